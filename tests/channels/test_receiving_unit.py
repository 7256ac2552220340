"""Cases that arrive by e-mail or by a transfer file land in the receiving unit, like portal
submissions: the agents of that unit find them in their queue; another unit's agents do not."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.channels.conftest import fixture_bytes
from tests.channels.test_transfers import HEAD, good_rows, write_xlsx
from tests.factories import at
from tousu.cases.models import Case
from tousu.channels.mail import parse_mail
from tousu.channels.mail_intake import ingest_mail
from tousu.cli import main


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def queue_of(org, username: str) -> str:
    client = Client()
    client.force_login(org.users[username])
    response = client.get("/console/queues/all/")
    assert response.status_code == 200
    return response.content.decode()


def test_mail_case_lands_in_the_top_units_queue(org):
    outcome = ingest_mail(mail=parse_mail(fixture_bytes("gbk_body.eml")), pack="property",
                          now=at("2026-12-05 14:00"))
    case = Case.objects.get(number=outcome.case_number)
    assert case.intake_unit.code == "hq"
    assert case.first_owner is None
    assert outcome.case_number in queue_of(org, "agent")
    assert outcome.case_number not in queue_of(org, "agent_north")


def test_mail_case_follows_the_configured_receiving_unit(org, settings):
    settings.TOUSU_PORTAL_UNIT = "north"
    outcome = ingest_mail(mail=parse_mail(fixture_bytes("utf8_qp.eml")), pack="property",
                          now=at("2026-12-05 14:00"))
    assert Case.objects.get(number=outcome.case_number).intake_unit.code == "north"
    assert outcome.case_number in queue_of(org, "agent_north")
    assert outcome.case_number not in queue_of(org, "agent")


def test_imported_cases_land_in_the_top_units_queue(org, tmp_path, capsys):
    path = write_xlsx(tmp_path / "transfer.xlsx", HEAD, good_rows())
    assert main(["import", str(path)]) == 0
    cases = list(Case.objects.order_by("id"))
    assert [c.intake_unit.code for c in cases] == ["hq", "hq"]
    page = queue_of(org, "agent")
    assert all(c.number in page for c in cases)
    assert not any(c.number in queue_of(org, "agent_north") for c in cases)
