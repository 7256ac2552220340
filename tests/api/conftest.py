"""Fixtures of the API tests: clients authenticated as the test org's users."""

from __future__ import annotations

import pytest

from tests.api.helpers import Api
from tousu.api.auth import issue_token


@pytest.fixture
def api_as(org):
    """``api_as("agent")``: an API client authenticated as that user of the test org."""
    tokens: dict[str, Api] = {}

    def make(username: str) -> Api:
        if username not in tokens:
            tokens[username] = Api(issue_token(org.users[username]))
        return tokens[username]

    return make


@pytest.fixture
def anonymous(db):
    return Api()
