"""The statistics tests compute every figure afresh: the short result cache of
``stats.statistics`` is off unless a test turns it on (test_cache.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def no_stats_cache(settings):
    settings.TOUSU_STATS_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()
