"""URLs of the customer portal, mounted under /portal/ (namespace ``portal``)."""

from __future__ import annotations

from django.urls import path

from tousu.web.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.choose_pack, name="choose_pack"),
    path("submit/<slug:pack>/", views.submit, name="submit"),
    path("track/", views.track, name="track"),
    path("case/<str:number>/", views.case_page, name="case"),
    path("case/<str:number>/accept/", views.accept, name="accept"),
    path("case/<str:number>/reject/", views.reject, name="reject"),
    path("case/<str:number>/rate/", views.rate, name="rate"),
    path("case/<str:number>/appeal/", views.appeal, name="appeal"),
]
