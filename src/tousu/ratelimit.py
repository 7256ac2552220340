"""Rate limits for what anyone may do without logging in (portal and public API).

A fixed-window counter per (scope, key) in Django's cache: the default in-process cache for
one server, or Redis (``TOUSU_CACHE_URL``) so that every web worker shares the counts. The
limits are settings, each written ``COUNT/PERIOD`` with PERIOD one of ``s``, ``min``, ``h``,
``d`` (e.g. ``10/h``):

| setting | default | counts |
|---|---|---|
| ``TOUSU_PUBLIC_SUBMIT_PER_ADDRESS`` | ``10/h`` | submissions from one client address |
| ``TOUSU_PUBLIC_SUBMIT_PER_PHONE`` | ``5/h`` | submissions giving one phone number |
| ``TOUSU_PUBLIC_LOOKUP_PER_ADDRESS`` | ``60/h`` | look-ups and answers (confirm, rate, appeal) |

Past a limit the caller gets ``RateLimited`` (HTTP 429 with ``Retry-After``).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from tousu.rules.public import normalize_phone

_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(s|min|h|d)\s*$")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        match = _LIMIT.match(text or "")
        if not match:
            raise ValueError(f"'{text}' is not a rate limit; write COUNT/PERIOD, e.g. 10/h")
        return cls(int(match.group(1)), _SECONDS[match.group(2)])


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"too many requests ({scope}); try again in {retry_after} seconds")
        self.scope = scope
        self.retry_after = retry_after


def _limit(name: str) -> Limit:
    return Limit.parse(str(getattr(settings, name)))


def hit(scope: str, key: str, limit: Limit, now: float | None = None) -> None:
    """Count one request for ``key``; RateLimited when the window's count exceeds the limit."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw phone numbers in the cache
    name = f"tousu:rl:{scope}:{digest}:{window}"
    cache.add(name, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=limit.seconds + 5)
        count = 1
    if count > limit.count:
        retry = int((window + 1) * limit.seconds - now) + 1
        raise RateLimited(scope, retry)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check_submit(request: HttpRequest, phone: str) -> None:
    """Before a submission: per client address, and per phone number when one is given."""
    hit("submit-address", client_address(request), _limit("TOUSU_PUBLIC_SUBMIT_PER_ADDRESS"))
    digits = normalize_phone(phone)
    if digits:
        hit("submit-phone", digits, _limit("TOUSU_PUBLIC_SUBMIT_PER_PHONE"))


def check_lookup(request: HttpRequest) -> None:
    """Before a look-up or a customer's answer: per client address."""
    hit("lookup-address", client_address(request), _limit("TOUSU_PUBLIC_LOOKUP_PER_ADDRESS"))


__all__ = ["Limit", "RateLimited", "check_lookup", "check_submit", "client_address", "hit"]
