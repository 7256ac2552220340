"""URLs of the corrective-action pages, mounted under /console/ (namespace ``corrective``)."""

from __future__ import annotations

from django.urls import path

from tousu.web.console.views import corrective

app_name = "corrective"

urlpatterns = [
    path("corrective-actions/", corrective.action_list, name="list"),
    path("cases/<str:number>/corrective-actions/", corrective.add, name="add"),
    path(
        "cases/<str:number>/corrective-actions/<int:pk>/verify/",
        corrective.verify,
        name="verify",
    ),
]
