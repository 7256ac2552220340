"""What customers may file online, phone matching and follow-up codes (no database)."""

from __future__ import annotations

import itertools

import pytest

from tousu.rules.public import (
    CODE_ALPHABET,
    CODE_LENGTH,
    anonymous_facts,
    code_hash,
    code_matches,
    format_code,
    new_code,
    normalize_phone,
    phone_matches,
    public_request_types,
    submission_errors,
)

ALL_TYPES = ("inquiry", "consultation", "fault", "complaint", "report", "suggestion")


@pytest.mark.parametrize(
    ("_case", "pack_types", "expected"),
    [
        ("internet", ("consultation", "complaint", "report", "suggestion"),
         ("complaint", "report", "suggestion")),
        ("telecom", ("inquiry", "consultation", "fault", "complaint"), ("complaint",)),
    ],
)  # fmt: skip
def test_public_request_types(_case, pack_types, expected):
    assert public_request_types(pack_types) == expected


@pytest.mark.parametrize(
    ("_case", "raw", "digits"),
    [
        ("spaces_dashes", "138-0013 8000", "13800138000"),
        ("plus86", "+86 138 0013 8000", "13800138000"),
        ("0086", "0086 13800138000", "13800138000"),
        ("landline_kept", "010-86001234", "01086001234"),
        ("short_number_starting_86_kept", "86001234", "86001234"),
    ],
)
def test_normalize_phone(_case, raw, digits):
    assert normalize_phone(raw) == digits


def test_phone_matches_ignores_format_but_not_digits():
    assert phone_matches("+86 138-0013-8000", "13800138000")
    assert not phone_matches("13800138001", "13800138000")
    assert not phone_matches("", "")


@pytest.mark.parametrize(
    ("_case", "request_type", "anonymous", "phone", "fields"),
    [
        ("complaint_with_phone", "complaint", False, "13800138000", []),
        ("anonymous_report", "report", True, "", []),
        ("anonymous_complaint", "complaint", True, "", ["anonymous"]),
        ("no_phone", "suggestion", False, " ", ["phone"]),
        ("bad_phone", "complaint", False, "12345", ["phone"]),
        ("consultation", "consultation", False, "13800138000", ["request_type"]),
    ],
)
def test_submission_errors(_case, request_type, anonymous, phone, fields):
    errors = submission_errors(
        request_type=request_type, pack_types=ALL_TYPES, anonymous=anonymous, phone=phone
    )
    assert [e.field for e in errors] == fields


@pytest.mark.parametrize(
    ("_case", "location", "has_files", "verifiable"),
    [("place", "5栋门口", False, True), ("file", "", True, True), ("nothing", " ", False, False)],
)
def test_anonymous_facts(_case, location, has_files, verifiable):
    assert anonymous_facts(location=location, has_files=has_files) == {
        "anonymous": True,
        "verifiable": verifiable,
    }


def test_code_round_trip():
    letters = itertools.cycle(CODE_ALPHABET)
    code = new_code(lambda alphabet: next(letters))
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    shown = format_code(code)
    assert shown.count("-") == 2
    assert code_matches(shown.lower(), code_hash(code))
    assert code_matches(f" {code[:6]} {code[6:]} ", code_hash(code))
    assert not code_matches(code[:-1] + ("A" if code[-1] != "A" else "B"), code_hash(code))
    assert not code_matches(code, "")
