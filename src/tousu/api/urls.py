from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from tousu.api.app import api
from tousu.api.errors import error_payload
from tousu.rules.errors import ErrorCode


def unknown_path(request: HttpRequest) -> JsonResponse:
    """Paths under /api/v1/ that no operation serves answer in the API's error shape."""
    message = f"no API endpoint at {request.path}; see /api/v1/docs"
    return JsonResponse(error_payload(ErrorCode.NOT_FOUND, message), status=404)


urlpatterns = [path("", api.urls), re_path(r"^.*$", unknown_path)]
