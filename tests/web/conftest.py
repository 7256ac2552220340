"""Fixtures of the console tests: Django test clients logged in as the test org's users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

import tousu
from tests import factories


@pytest.fixture(autouse=True)
def fresh_pack_cache():
    """The registry caches parsed packs by row id; on SQLite a rolled-back test can leave an
    id that a later test reuses for another pack, so each test starts with an empty cache."""
    from tousu.packs import registry

    registry._parsed.clear()
    yield
    registry._parsed.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The org fixture sets a dozen passwords; the production hasher takes ~1 s for each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_as(org):
    """``client_as("agent")``: a test client logged in as that user (Chinese by default)."""

    def make(username: str, **kwargs) -> Client:
        client = Client(**kwargs)
        client.force_login(org.users[username])
        return client

    return make


@pytest.fixture
def eng_case(org):
    """A property complaint dispatched to the engineering unit (工程部)."""
    case = factories.intake(org, category="equipment_water")
    return factories.act(org, "dispatcher", "dispatch", case, units=["eng"])


@pytest.fixture
def sec_case(org):
    """A property complaint dispatched to the security unit (安保部)."""
    case = factories.intake(org, description="小区门岗保安态度恶劣", category="security_visitors")
    return factories.act(org, "dispatcher", "dispatch", case, units=["sec"])


def choose_english(client: Client) -> Client:
    """Switch ``client`` to English the way a user does: the 中文/English button."""
    response = client.post("/console/language/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302
    return client


def page_text(response) -> str:
    return response.content.decode()


CATALOGUE = Path(tousu.__file__).resolve().parent / "locale"


@pytest.fixture(autouse=True)
def console_catalogue(settings):
    """The English catalogue, whether or not the settings name it yet (test_i18n checks that
    they do)."""
    paths = [Path(p).resolve() for p in settings.LOCALE_PATHS]
    if CATALOGUE not in paths:
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, CATALOGUE]
