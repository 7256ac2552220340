"""The one mapping from errors to HTTP responses (STYLE rule 7).

Every error the API returns has the same shape::

    {"error": {"code": "...", "message": "...",
               "fields": [{"field": "customer.phone", "code": "invalid", "message": "..."}],
               "allowed_actions": ["triage", ...]}}

``fields`` names every bad field (dotted paths, list items as ``solutions[0].kind``);
``allowed_actions`` is filled when an action was refused in the case's status (409).

Statuses: 400 malformed JSON (or a body that is not a JSON object), 401 no or bad token,
403 the role may not do this, 404 unknown or invisible resource, 409 illegal action or a
stale version / idempotency conflict, 422 bad fields (from the schemas or the services).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pydantic
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tousu.rules.errors import ErrorCode, FieldError, IllegalAction, RuleError

logger = logging.getLogger(__name__)

# API-level codes beside tousu.rules.errors.ErrorCode.
MALFORMED = "malformed_json"
UNAUTHORIZED = "unauthorized"
INTERNAL = "internal_error"

STATUS_OF: dict[str, int] = {
    ErrorCode.INVALID: 422,
    ErrorCode.UNKNOWN: 422,
    ErrorCode.ILLEGAL_ACTION: 409,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
}

# pydantic error types that mean "a code or a field we do not know".
_UNKNOWN_TYPES = frozenset({"literal_error", "enum", "extra_forbidden"})
# pydantic error types on the whole body: it is JSON, but not an object.
_NOT_AN_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})


class FieldErrorOut(pydantic.BaseModel):
    field: str
    code: str
    message: str


class ErrorBody(pydantic.BaseModel):
    code: str
    message: str
    fields: list[FieldErrorOut]
    allowed_actions: list[str]


class ErrorOut(pydantic.BaseModel):
    """The single error shape of the API."""

    error: ErrorBody


def error_payload(
    code: str, message: str, fields: Sequence[FieldError] = (), allowed_actions: Sequence[str] = ()
) -> dict[str, Any]:
    return {
        "error": {
            "code": str(code),
            "message": message,
            "fields": [
                {"field": f.field, "code": str(f.code), "message": f.message} for f in fields
            ],
            "allowed_actions": list(allowed_actions),
        }
    }


def field_path(loc: Sequence[str | int]) -> str:
    """``("customer", "phone")`` → ``customer.phone``; ``("solutions", 0, "kind")`` →
    ``solutions[0].kind``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _strip_source(loc: Sequence[Any]) -> tuple[list[Any], str]:
    """Drop ninja's prefix: ("body", "payload", ...) → [...]; ("query", "page") → ["page"];
    ("form", "phone") → ["phone"] (form fields come without the parameter name)."""
    parts = list(loc)
    sources = ("body", "query", "path", "header", "form", "file")
    source = str(parts.pop(0)) if parts and parts[0] in sources else ""
    if source == "body" and parts:
        parts.pop(0)  # the view's parameter name
    return parts, source


def fields_from_pydantic(errors: Sequence[dict[str, Any]]) -> tuple[list[FieldError], bool]:
    """Field errors from ninja/pydantic error dicts, and whether the body was not an object."""
    out: list[FieldError] = []
    not_object = False
    for err in errors:
        parts, source = _strip_source(err.get("loc", ()))
        kind = str(err.get("type", ""))
        if source == "body" and not parts and kind in _NOT_AN_OBJECT:
            not_object = True
            continue
        name = field_path(parts) or source or "body"
        if kind == "extra_forbidden":
            message = f"unknown field '{name}'"
        elif kind == "missing":
            message = f"{name} is required"
        else:
            message = f"{name}: {err.get('msg', 'invalid value')}"
        code = ErrorCode.UNKNOWN if kind in _UNKNOWN_TYPES else ErrorCode.INVALID
        out.append(FieldError(name, code, message))
    return out, not_object


def _validation_response(
    api: NinjaAPI, request: HttpRequest, errors: Sequence[dict[str, Any]]
) -> HttpResponse:
    fields, not_object = fields_from_pydantic(errors)
    if not_object and not fields:
        return api.create_response(
            request, error_payload(MALFORMED, "the request body must be a JSON object"), status=400
        )
    message = "invalid input: " + "; ".join(f.message for f in fields)
    return api.create_response(
        request, error_payload(ErrorCode.INVALID, message, fields), status=422
    )


def _rule_error(api: NinjaAPI, request: HttpRequest, exc: RuleError) -> HttpResponse:
    allowed = exc.allowed if isinstance(exc, IllegalAction) else []
    status = STATUS_OF.get(exc.code, 422)
    return api.create_response(
        request, error_payload(exc.code, exc.message, exc.errors, allowed), status=status
    )


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        message = (
            str(exc)
            if str(exc) != "Unauthorized"
            else (
                "a valid 'Authorization: Bearer TOKEN' header is required; "
                "get a token from POST /api/v1/auth/token"
            )
        )
        return api.create_response(request, error_payload(UNAUTHORIZED, message), status=401)
    if exc.status_code == 400:  # ninja raises this only when the body is not JSON
        return api.create_response(
            request, error_payload(MALFORMED, "the request body is not valid JSON"), status=400
        )
    codes = {
        401: UNAUTHORIZED,
        403: ErrorCode.FORBIDDEN,
        404: ErrorCode.NOT_FOUND,
        409: ErrorCode.CONFLICT,
    }
    code = codes.get(exc.status_code, "http_error")
    return api.create_response(request, error_payload(code, str(exc)), status=exc.status_code)


def _unexpected(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        error_payload(INTERNAL, "an unexpected error occurred; it has been logged"),
        status=500,
    )


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API instance."""
    api.add_exception_handler(RuleError, lambda r, e: _rule_error(api, r, e))
    api.add_exception_handler(
        NinjaValidationError, lambda r, e: _validation_response(api, r, e.errors)
    )
    api.add_exception_handler(
        pydantic.ValidationError,
        lambda r, e: _validation_response(api, r, [dict(x) for x in e.errors(include_url=False)]),
    )
    api.add_exception_handler(HttpError, lambda r, e: _http_error(api, r, e))
    api.add_exception_handler(
        Http404,
        lambda r, e: api.create_response(
            r, error_payload(ErrorCode.NOT_FOUND, str(e) or "not found"), status=404
        ),
    )
    api.add_exception_handler(Exception, lambda r, e: _unexpected(api, r, e))


ERROR_RESPONSES: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
