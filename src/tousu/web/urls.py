from django.urls import path

from tousu.web import views

urlpatterns = [path("", views.home, name="home")]
