"""API tokens: ``POST /auth/token`` swaps a username and password for a bearer token.

Only the SHA-256 of a token is stored (``ApiToken.key_hash``); the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict, Field

from tousu.api.errors import ERROR_RESPONSES
from tousu.org.models import ApiToken, User

router = Router(tags=["auth"])

# Recording every use would write on every request; once in a while is enough to spot stale
# tokens.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_hash(token))
    return token


class BearerAuth(HttpBearer):
    """``Authorization: Bearer TOKEN``; the request's user is the token's active owner."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=token_hash(token))
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


def current_user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # every operation but the token exchange requires auth
    return user


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    token: str


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, **ERROR_RESPONSES},
    summary="Exchange a username and password for a bearer token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        raise AuthenticationError(401, "wrong username or password")
    return TokenOut(token=issue_token(user))
