"""The hash chain, pure: canonical form, digests, and what ``ChainCheck`` reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tousu.rules.history import ChainCheck, Content, Link, Problem, canonical, digest

SHANGHAI = timezone(timedelta(hours=8))


def content(n: int, **changes: object) -> Content:
    base = Content(
        case_id=7,
        kind=f"case.step{n}",
        actor_id=3,
        at=datetime(2026, 11, 2, 9, n, tzinfo=UTC),
        before={"status": "registered"},
        after={"status": "dispatched", "units": ["eng", "sec"]},
        reason="派单",
        data={"b": 1, "a": {"z": None, "y": 2.5}},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def chain(count: int) -> list[Link]:
    links, previous = [], ""
    for n in range(count):
        c = content(n)
        d = digest(c, previous)
        links.append(Link(100 + n, c, d, previous))
        previous = d
    return links


def check(links: list[Link], latest: str | None = None) -> tuple[object, ...] | None:
    walk = ChainCheck()
    for link in links:
        walk.feed(link)
    broken = walk.finish(links[-1].digest if latest is None and links else latest or "")
    return None if broken is None else (broken.event_id, broken.problem)


def test_canonical_form_sorts_keys_and_writes_utc():
    text = canonical(content(0), "abc").decode()
    assert text == (
        '[7,"case.step0",3,"2026-11-02T09:00:00.000000+00:00",{"status":"registered"},'
        '{"status":"dispatched","units":["eng","sec"]},"派单",{"a":{"y":2.5,"z":null},"b":1},'
        '"abc"]'
    )  # keys sorted at every depth, UTC time, UTF-8 text, no spaces, the previous digest last


def test_the_same_moment_in_another_zone_gives_the_same_digest():
    local = content(0, at=datetime(2026, 11, 2, 17, 0, tzinfo=SHANGHAI))
    assert digest(local, "") == digest(content(0), "")


def test_key_order_does_not_matter_but_every_field_does():
    reordered = content(0, data={"a": {"y": 2.5, "z": None}, "b": 1})
    assert digest(reordered, "") == digest(content(0), "")
    base = digest(content(0), "")
    for change in [
        {"case_id": 8},
        {"kind": "case.other"},
        {"actor_id": None},
        {"at": datetime(2026, 11, 2, 9, 0, 0, 1, tzinfo=UTC)},
        {"before": {}},
        {"after": {"status": "dispatched"}},
        {"reason": "派单 "},
        {"data": {"b": 1}},
    ]:
        assert digest(content(0, **change), "") != base, change
    assert digest(content(0), "x") != base


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        digest(content(0, at=datetime(2026, 11, 2, 9, 0)), "")  # noqa: DTZ001


def test_an_intact_chain_passes():
    assert check(chain(5)) is None
    assert check([]) is None


def test_changed_content_is_named_at_its_event():
    links = chain(5)
    links[2] = replace(links[2], content=replace(links[2].content, reason="改过的理由"))
    assert check(links) == (102, Problem.CONTENT_CHANGED)


def test_a_removed_middle_event_is_named_at_the_next_one():
    links = chain(5)
    del links[2]
    assert check(links) == (103, Problem.EVENT_REMOVED)


def test_removed_newest_events_show_through_the_case_digest():
    links = chain(5)
    assert check(links[:3], latest=links[4].digest) == (None, Problem.EVENT_REMOVED)


def test_swapped_events_are_an_order_change():
    links = chain(5)
    links[1], links[3] = replace(links[3], event_id=101), replace(links[1], event_id=103)
    assert check(links) == (101, Problem.ORDER_CHANGED)
    first = chain(3)
    first[0], first[1] = replace(first[1], event_id=100), replace(first[0], event_id=101)
    assert check(first) == (100, Problem.ORDER_CHANGED)


def test_an_event_without_digest_is_unsealed():
    links = chain(3)
    links[1] = replace(links[1], digest="")
    assert check(links) == (101, Problem.UNSEALED)
