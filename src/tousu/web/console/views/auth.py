"""Login and logout: Django's own views with the console's template."""

from __future__ import annotations

from django.contrib.auth.views import LoginView, LogoutView
from django.urls import reverse_lazy


class ConsoleLogin(LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("console:home")


login = ConsoleLogin.as_view()
logout = LogoutView.as_view(next_page=reverse_lazy("console:login"))
