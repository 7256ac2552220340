"""Shared fixtures. The database is SQLite by default; set DATABASE_URL to run on PostgreSQL
(e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Full-strength PBKDF2 costs ~1 s per user on this machine; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A page request leaves its language active in the thread (web/language.py); start every
    test from the default (Chinese) so that one test's English never leaks into the next."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_active_packs():
    """The registry remembers each pack's active version for a second; the versions a test
    installed go with its rolled-back transaction, so each test reads them afresh."""
    from tousu.packs import registry

    registry.forget_active_ids()
    yield
    registry.forget_active_ids()


@pytest.fixture
def packs(db):
    return factories.install_packs()


@pytest.fixture
def org(db, packs):
    """A small organisation: centre, departments, a branch, a partner, one user per role."""
    return factories.make_org()


@pytest.fixture
def make_case(org):
    def make(**overrides):
        return factories.intake(org, **overrides)

    return make
