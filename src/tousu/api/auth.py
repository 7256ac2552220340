"""API tokens: ``POST /auth/token`` swaps a username and password for a bearer token.

Only the SHA-256 of a token is stored (``ApiToken.key_hash``); the token itself is shown once.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict, Field

from tousu.api.errors import ERROR_RESPONSES
from tousu.org.models import ApiToken, Unit, User

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


# A token's owner is kept per process for a few seconds: reading the token with its user and
# unit was ~1 ms of CPU per API request (bench/README.md). The price is bounded staleness: a
# deleted token, a deactivated user or a changed role or unit takes effect in the other web
# processes within TOKEN_CACHE_SECONDS (in the process that saved it, at once: any save or
# delete of a token, user or unit empties this process's cache).
TOKEN_CACHE_SECONDS = 5.0


@dataclass
class _Owner:
    token_id: int
    user: User
    last_used_at: datetime | None
    until: float  # time.monotonic() after which the token is read again


_owners: dict[str, _Owner] = {}


def forget_tokens(**_: object) -> None:
    _owners.clear()


for _model in (ApiToken, User, Unit):
    post_save.connect(forget_tokens, sender=_model, dispatch_uid=f"forget-tokens-{_model.__name__}")
    post_delete.connect(
        forget_tokens, sender=_model, dispatch_uid=f"forget-tokens-del-{_model.__name__}"
    )


def _owner(digest: str) -> _Owner | None:
    held = _owners.get(digest)
    if held is not None and time.monotonic() < held.until:
        return held
    row = ApiToken.objects.select_related("user", "user__unit").filter(key_hash=digest).first()
    if row is None or not row.user.is_active:
        _owners.pop(digest, None)
        return None
    held = _Owner(row.pk, row.user, row.last_used_at, time.monotonic() + TOKEN_CACHE_SECONDS)
    _owners[digest] = held
    return held


class BearerAuth(HttpBearer):
    """``Authorization: Bearer TOKEN``; the request's user is the token's active owner."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        held = _owner(token_hash(token))
        if held is None:
            return None
        now = timezone.now()
        if held.last_used_at is None or now - held.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=held.token_id).update(last_used_at=now)
            held.last_used_at = now
        user = copy.copy(held.user)  # each request its own instance (and related-object cache)
        request.user = user
        return user


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
