from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/console/", permanent=False), name="home"),
    path("console/", include("tousu.web.console.urls")),
    path("console/", include("tousu.web.console.corrective_urls")),
    path("portal/", include("tousu.web.portal.urls")),
]
