"""The language of a page: Simplified Chinese unless the user chose English (SPEC §10 Web).

Django's LocaleMiddleware follows the browser's Accept-Language, so an English-speaking browser
(headless Chromium sends ``en``) would get English pages nobody asked for. Here only an explicit
choice counts: the 中文/English switch (``/console/language/``, Django's ``set_language``),
which stores the choice in the language cookie. Without it every page, console and portal
alike, is in ``settings.LANGUAGE_CODE`` (zh-hans).

The API's error messages are English text and not translated, whatever the language (programs
read their ``code``); this middleware changes nothing there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The language the user chose with the switch, else the default; never Accept-Language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen and chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """In place of LocaleMiddleware: activate the chosen language for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))  # the language cookie picks the page
        response.headers.setdefault("Content-Language", language)
        return response
