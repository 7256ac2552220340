"""Shared fixtures. The database is SQLite by default; set DATABASE_URL to run on PostgreSQL
(e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import pytest

from tests import factories


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
