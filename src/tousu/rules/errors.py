"""Typed errors raised by the pure rules and by the services that apply them.

One mapping (``tousu.api.errors``) turns these into HTTP responses and form errors, so every
caller reports the same problem the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"  # a field is missing, wrongly typed or out of range
    UNKNOWN = "unknown"  # a code (pack, category, unit, role, channel…) that does not exist
    ILLEGAL_ACTION = "illegal_action"  # the action is not allowed in the case's status
    FORBIDDEN = "forbidden"  # the actor's role may not do this
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # stale version or a concurrent change


@dataclass(frozen=True)
class FieldError:
    field: str
    code: ErrorCode
    message: str


class RuleError(Exception):
    """Base for every refusal the domain makes. ``errors`` names each bad field."""

    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: list[FieldError] = errors or []


class ValidationFailed(RuleError):
    code = ErrorCode.INVALID

    @classmethod
    def one(
        cls, field_name: str, message: str, code: ErrorCode = ErrorCode.INVALID
    ) -> ValidationFailed:
        return cls(message, [FieldError(field_name, code, message)])


class NotFound(RuleError):
    code = ErrorCode.NOT_FOUND


class Forbidden(RuleError):
    code = ErrorCode.FORBIDDEN


class Conflict(RuleError):
    code = ErrorCode.CONFLICT


@dataclass
class IllegalAction(RuleError):
    """An action refused in the current status; ``allowed`` lists what may be done instead."""

    action: str
    status: str
    allowed: list[str] = field(default_factory=list)
    why: str = ""

    def __post_init__(self) -> None:
        text = (
            self.why or f"action '{self.action}' is not allowed while the case is '{self.status}'"
        )
        RuleError.__init__(self, text)

    code = ErrorCode.ILLEGAL_ACTION
