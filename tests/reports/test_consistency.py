"""The statistics as the database computes them (PostgreSQL: grouping sets and the joined
handling-unit scan; SQLite: one query per dimension) equal a plain recomputation in Python,
case by case, on generated cases: every dimension, both periods, the totals, with and
without a pack filter."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import timedelta

import pytest

from tests.factories import at
from tousu.cases.models import Case, Customer, Event, WorkOrder
from tousu.reports.dimensions import DIMENSIONS
from tousu.reports.figures import empty_figures
from tousu.reports.periods import parse_period
from tousu.reports.stats import indicators, make_scope, statistics
from tousu.reports.stats_sql import FIGURES

pytestmark = pytest.mark.django_db

NOW = at("2026-11-05 12:00")
PERIOD = "2026-10"
STATUSES = [
    "registered",
    "dispatched",
    "processing",
    "resolved",
    "replied",
    "closed",
    "closed",
    "closed",
    "invalid",
    "withdrawn",
]
CHANNELS = ("phone", "phone", "web", "walk_in", "media", "regulator", "headquarters")
ORDER_STATES = ("issued", "acknowledged", "done", "done", "returned", "cancelled")


def _generate(org, count: int = 240, seed: int = 7) -> None:
    """Cases received 2026-08-25 .. 2026-11-03 (so some fall outside both periods), with
    times in whole minutes (SQLite counts whole seconds), 0-2 work orders each (some returned
    or cancelled, which do not count) and some closed at the window."""
    rnd = random.Random(seed)
    customer = Customer.objects.create(name="客户")
    units = [org.units["eng"], org.units["sec"]]
    start = at("2026-08-25 00:00")
    cases = []
    for i in range(count):
        received = start + timedelta(minutes=rnd.randrange(0, 70 * 24 * 60))
        pack = rnd.choice(("property", "property", "telecom"))
        status = rnd.choice(STATUSES)
        case = Case(
            number=f"T{i:07d}",
            pack=pack,
            status=status,
            channel=rnd.choice(CHANNELS),
            request_type=rnd.choice(("complaint", "complaint", "consult")),
            category=rnd.choice(("", "water", "fees", "noise")),
            validity=rnd.choice(("", "valid", "valid", "assist", "invalid")),
            responsibility_class=rnd.choice(("", "class1", "class2")),
            severity=rnd.choice(("minor", "major", "")),
            escalation_level=rnd.choice(("", "", "repeat")),
            customer=customer,
            description="生成的投诉",
            received_at=received,
            created_at=received,
            updated_at=received,
            intake_unit=rnd.choice((None, *units)),
            complained_unit=rnd.choice((None, None, *units)),
            urge_count=rnd.choice((0, 0, 0, 1)),
            overdue=rnd.random() < 0.2,
            satisfaction=rnd.choice(("", "satisfied", "basically_satisfied", "dissatisfied")),
        )
        hours = lambda lo, hi: timedelta(minutes=rnd.randrange(lo * 60, hi * 60))  # noqa: E731
        if rnd.random() < 0.9:
            case.due_resolve = received + hours(24, 96)
        if status in ("resolved", "replied", "closed") and rnd.random() < 0.85:
            case.resolved_at = received + hours(1, 120)
        if status in ("replied", "closed"):
            case.replied_at = (case.resolved_at or received) + hours(0, 30)
        if status in ("closed", "invalid", "withdrawn"):
            case.closed_at = (case.replied_at or received) + hours(1, 50)
        if rnd.random() < 0.6:
            case.due_reply = received + hours(48, 130)
        if pack == "telecom" and rnd.random() < 0.7:
            case.due_statutory_reply = received + hours(100, 400)
        cases.append(case)
    Case.objects.bulk_create(cases)
    saved = list(Case.objects.filter(number__startswith="T").order_by("number"))
    for case in saved[10::17]:
        case.repeat_of = saved[0]
        case.save(update_fields=["repeat_of"])
    orders, events = [], []
    for case in saved:
        for _ in range(rnd.choice((0, 1, 1, 2))):
            issued = case.received_at + timedelta(minutes=rnd.randrange(1, 600))
            state = rnd.choice(ORDER_STATES)
            acked = issued + timedelta(minutes=rnd.randrange(1, 90)) if state != "issued" else None
            orders.append(
                WorkOrder(
                    case=case,
                    unit=rnd.choice(units),
                    status=state,
                    issued_at=issued,
                    acknowledged_at=acked if rnd.random() < 0.9 else None,
                    due_acknowledge=issued + timedelta(minutes=30) if rnd.random() < 0.9 else None,
                )
            )
        if case.replied_at and rnd.random() < 0.3:
            events.append(Event(case=case, kind="case.closed_at_window", at=case.replied_at))
    WorkOrder.objects.bulk_create(orders)
    Event.objects.bulk_create(events)


# ------------------------------------------------------------------ the recomputation


def _clock(due, done, accepted: bool) -> tuple[int, int]:
    if due is None or not accepted:
        return 0, 0
    on_time = done is not None and done <= due
    late = (done is not None and done > due) or (done is None and due < NOW)
    return int(on_time), int(late)


def _case_figures(case: Case, window: set[int]) -> dict:
    accepted = case.status not in ("invalid", "withdrawn")
    done = case.resolved_at or case.replied_at
    end = case.resolved_at or case.replied_at or case.closed_at
    handled = accepted and end is not None
    f = {
        "count": 1,
        "accepted": int(accepted),
        "finished": int(case.status in ("resolved", "replied", "closed")),
        "open": int(case.status in ("registered", "dispatched", "processing")),
        "invalid": int(case.status == "invalid"),
        "withdrawn": int(case.status == "withdrawn"),
        "overdue": int(case.overdue),
        "rated": int(case.satisfaction != ""),
        "satisfied": int(case.satisfaction in ("satisfied", "basically_satisfied")),
        "repeat": int(case.repeat_of_id is not None or case.urge_count > 0),
        "escalated": int(case.channel in ("regulator", "headquarters", "media")),
        "first_contact": int(accepted and case.pk in window),
        "validity_decided": int(case.validity != ""),
        "valid": int(case.validity == "valid"),
        "assist": int(case.validity == "assist"),
        "handled": int(handled),
        "acknowledge_on_time": 0,
        "acknowledge_late": 0,
    }
    for prefix, due, at_ in (
        ("resolve", case.due_resolve, done),
        ("reply", case.due_reply, case.replied_at),
        ("statutory", case.due_statutory_reply, case.replied_at),
    ):
        f[f"{prefix}_on_time"], f[f"{prefix}_late"] = _clock(due, at_, accepted)
    f["_seconds"] = [(end - case.received_at).total_seconds()] if handled else []
    return f


def _add(total: dict, part: dict) -> None:
    for name in FIGURES:
        total[name] = total.get(name, 0) + part[name]
    total["_seconds"] = total.get("_seconds", []) + part["_seconds"]


def _finish(f: dict) -> dict:
    """The figures as ``stats.indicators`` reads them: sum and nearest-rank 90th percentile."""
    seconds = sorted(f.get("_seconds", []))
    out = {**empty_figures(), **{k: v for k, v in f.items() if k != "_seconds"}}
    out["handling_s_sum"] = sum(seconds) if seconds else None
    out["handling_s_p90"] = seconds[max(math.ceil(0.9 * len(seconds)), 1) - 1] if seconds else None
    return out


def _expected(by: str, pack: str = "") -> tuple[dict, dict, dict, dict]:
    """(rows now, rows before, totals now, totals before), rows keyed like the answer's."""
    period = parse_period(PERIOD, NOW)
    previous = period.previous()
    window = set(Event.objects.filter(kind="case.closed_at_window").values_list("case", flat=True))
    counted = defaultdict(list)
    for order in WorkOrder.objects.filter(
        status__in=("issued", "acknowledged", "done"), issued_at__gte=previous.start
    ).select_related("unit"):
        counted[order.case_id].append(order)
    dim = DIMENSIONS[by]
    rows: tuple[dict, dict] = ({}, {})
    totals: tuple[dict, dict] = ({}, {})
    cases = Case.objects.filter(received_at__gte=previous.start, received_at__lt=period.end)
    for case in cases.select_related("intake_unit", "complained_unit"):
        if pack and case.pack != pack:
            continue
        side = 0 if case.received_at >= period.start else 1
        base = _case_figures(case, window)
        acks = [_clock(o.due_acknowledge, o.acknowledged_at, True) for o in counted[case.pk]]
        whole = {
            **base,
            "acknowledge_on_time": sum(a for a, _ in acks),
            "acknowledge_late": sum(b for _, b in acks),
        }
        _add(totals[side], whole)
        if by == "unit":
            for order, (on_time, late) in zip(counted[case.pk], acks, strict=True):
                one = {**base, "acknowledge_on_time": on_time, "acknowledge_late": late}
                _add(rows[side].setdefault((None, order.unit.code), {}), one)
            if not counted[case.pk]:
                _add(rows[side].setdefault((None, ""), {}), base)
            continue
        if by in ("intake_unit", "complained_unit"):
            unit = getattr(case, by)
            key = (None, unit.code if unit else "")
        else:
            key = (case.pack if dim.pack_scoped else None, str(getattr(case, by) or ""))
        _add(rows[side].setdefault(key, {}), whole)
    finish = lambda groups: {k: _finish(v) for k, v in groups.items()}  # noqa: E731
    return finish(rows[0]), finish(rows[1]), _finish(totals[0]), _finish(totals[1])


def _answer_of(expected_now: dict, expected_before: dict) -> dict:
    return {
        "count": expected_now.get("count", 0),
        "indicators": indicators(expected_now) if expected_now else None,
        "figures": {k: expected_now[k] for k in FIGURES} if expected_now else None,
        "previous": expected_before.get("count", 0),
    }


@pytest.mark.parametrize("pack", ["", "telecom"])
def test_every_dimension_equals_a_case_by_case_recomputation(org, pack):
    _generate(org)
    period = parse_period(PERIOD, NOW)
    assert 60 < Case.objects.filter(received_at__gte=period.start).count() < 200
    for by in DIMENSIONS:
        rows_now, rows_before, total_now, total_before = _expected(by, pack)
        result = statistics(make_scope(NOW, pack=pack), period, by)
        got_totals = result["totals"]
        assert got_totals["figures"] == {k: total_now[k] for k in FIGURES}, by
        assert got_totals["indicators"] == indicators(total_now), by
        assert got_totals["previous"]["count"] == total_before["count"], by
        assert got_totals["previous"]["indicators"] == indicators(total_before), by
        got = {(r.get("pack"), r["key"]): r for r in result["rows"]}
        assert set(got) == set(rows_now) | set(rows_before), by
        for key, row in got.items():
            now, before = rows_now.get(key, {}), rows_before.get(key, {})
            want = _answer_of(now, before)
            assert row["count"] == want["count"], (by, key)
            assert row["previous"]["count"] == want["previous"], (by, key)
            if now:
                assert row["figures"] == want["figures"], (by, key)
                assert row["indicators"] == want["indicators"], (by, key)
            if before:
                assert row["previous"]["indicators"] == indicators(before), (by, key)
