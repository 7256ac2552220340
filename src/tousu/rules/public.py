"""Decisions for what customers do without a staff login (portal and public API, SPEC §10).

- Which request types a customer may file: complaint, report (举报) and suggestion, as far as
  the pack uses them; anonymity only for reports.
- An anonymous report counts as "verifiable" (SPEC §4: anonymous *and* unverifiable is
  invalid) when the reporter says where the matter can be checked (a place, a link, an
  account) or attaches evidence.
- Phone numbers are compared by their digits, without a +86 / 0086 prefix.
- The private follow-up code is random, read aloud easily (no 0/O/1/I/L), and stored only as
  its SHA-256.

Pure: no Django, no clock; randomness comes in through ``choose``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from typing import Any

from tousu.rules.errors import ErrorCode, FieldError

PUBLIC_REQUEST_TYPES = ("complaint", "report", "suggestion")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 8·10^17 codes: not guessable within any rate limit
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11}|[2-9]\d{6,7})$")  # mobile, landline (+area), local


def public_request_types(pack_types: Sequence[str]) -> tuple[str, ...]:
    """The request types the portal offers for a pack, in the portal's order."""
    return tuple(t for t in PUBLIC_REQUEST_TYPES if t in pack_types)


def normalize_phone(text: str) -> str:
    """Digits only, without the country prefix: '+86 138-0013-8000' → '13800138000'."""
    digits = re.sub(r"\D", "", text or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            return digits[len(prefix) :]
    return digits


def phone_matches(given: str, stored: str) -> bool:
    a, b = normalize_phone(given), normalize_phone(stored)
    return bool(a) and hmac.compare_digest(a, b)


def submission_errors(
    *,
    request_type: str,
    pack_types: Sequence[str],
    anonymous: bool,
    phone: str,
) -> list[FieldError]:
    """What is wrong with who is submitting: request type, anonymity, phone."""
    errors: list[FieldError] = []
    allowed = public_request_types(pack_types)
    if request_type not in allowed:
        errors.append(
            FieldError(
                "request_type",
                ErrorCode.UNKNOWN,
                f"request type '{request_type}' cannot be filed online for this pack; "
                f"one of {', '.join(allowed)}",
            )
        )
    if anonymous and request_type != "report":
        errors.append(
            FieldError("anonymous", ErrorCode.INVALID, "only a report (举报) may be anonymous")
        )
    if not anonymous:
        if not phone.strip():
            errors.append(
                FieldError("phone", ErrorCode.INVALID, "phone is required unless anonymous")
            )
        elif not _PHONE.match(normalize_phone(phone)):
            errors.append(
                FieldError("phone", ErrorCode.INVALID, f"'{phone}' is not a phone number")
            )
    return errors


def anonymous_facts(*, location: str, has_files: bool) -> dict[str, Any]:
    """Facts of an anonymous report: verifiable when it says where, or carries evidence."""
    return {"anonymous": True, "verifiable": bool(location.strip()) or has_files}


def new_code(choose: Callable[[str], str]) -> str:
    """A follow-up code; ``choose`` picks one character (``secrets.choice`` in production)."""
    return "".join(choose(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What the customer typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", text or "").upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def code_matches(given: str, stored_hash: str) -> bool:
    return hash_matches(code_hash(given), stored_hash)


def hash_matches(given_hash: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(given_hash, stored_hash)


def format_code(code: str) -> str:
    """Grouped by four for reading: 'ABCD-EFGH-JKMN'."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "PUBLIC_REQUEST_TYPES",
    "anonymous_facts",
    "code_hash",
    "code_matches",
    "format_code",
    "hash_matches",
    "new_code",
    "normalize_code",
    "normalize_phone",
    "phone_matches",
    "public_request_types",
    "submission_errors",
]
