"""Who may open a console page: login for every page, roles for some, and the 403/404 pages.

A refused or unknown page is a calm console page, never a traceback; another unit's case is a
404 (its existence is not revealed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tousu.cases.services import Actor
from tousu.rules.lifecycle import Role

View = Callable[..., HttpResponse]

# Roles that register complaints (SPEC §1): the same set as the API's intake.
INTAKE_ROLES = frozenset(
    {
        Role.AGENT,
        Role.DISPATCHER,
        Role.SUPERVISOR,
        Role.MANAGER,
        Role.ADMIN,
        Role.CRISIS,
        Role.QUALITY,
    }
)
ADMIN_ROLES = frozenset({Role.ADMIN})


def staff_view(view: View) -> View:
    """Login required; an anonymous visitor goes to ``LOGIN_URL`` (/console/login/)."""
    return login_required(view)


def roles_view(roles: Iterable[Role]) -> Callable[[View], View]:
    """Login required, and one of ``roles``; others get the 403 page."""
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role_code not in allowed:  # type: ignore[union-attr]
                return forbidden(request)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def actor(request: HttpRequest) -> Actor:
    return Actor(request.user)  # type: ignore[arg-type]


def not_found(request: HttpRequest, what: str = "") -> HttpResponse:
    return render(request, "console/not_found.html", {"what": what}, status=404)


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", status=403)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
