"""Who adds files, which files the customer sees back, and the ASCII stand-in of a name."""

from __future__ import annotations

import pytest

from tousu.rules.attachments import download_name, shown_to_customer, staff_may_attach
from tousu.rules.lifecycle import Role


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR])
def test_staff_who_act_may_attach(role):
    assert staff_may_attach(role)


def test_auditors_and_no_role_may_not():
    assert not staff_may_attach(Role.AUDITOR)
    assert not staff_may_attach(None)


@pytest.mark.parametrize(
    ("source", "shown"),
    [("portal", True), ("email", True), ("staff", False), ("import", False), ("api", False)],
)
def test_customer_sees_only_what_they_sent(source, shown):
    assert shown_to_customer(source) is shown


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scan-01.pdf", "scan-01.pdf"),
        ("reply letter (2).pdf", "reply letter (2).pdf"),
        ("现场照片.jpg", "attachment-7.jpg"),
        ("照片", "attachment-7.png"),  # no extension: the stored file's
        ("a\"b.png", "attachment-7.png"),  # a quote never reaches the header
        ("照片.照片", "attachment-7.png"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
    ],
)
def test_download_name(name, expected):
    assert download_name(name, 7, "png") == expected
