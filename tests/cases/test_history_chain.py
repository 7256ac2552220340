"""The tamper-evident history (SPEC §8) on a real database: every writer seals its events,
and ``tousu verify-history`` finds a changed, removed or reordered event by raw SQL."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.clocks.helpers import kinds
from tests.factories import act, at, intake
from tousu.cases.history import check_chains
from tousu.cases.models import Case, Event
from tousu.cases.sweep import run_sweep
from tousu.cli import main
from tousu.notify.models import Notification

pytestmark = pytest.mark.django_db

EVENTS = Event._meta.db_table


def worked_case(org) -> Case:
    """A case through intake, triage, dispatch, acknowledgement and progress, then swept:
    escalations in bulk (the sweep's path) and an age upgrade (``record`` inside the sweep)."""
    case = intake(org, now=at("2026-11-02 09:00"), category="equipment")
    act(org, "dispatcher", "triage", case, validity="valid", now=at("2026-11-02 09:02"))
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    run_sweep(at("2026-11-02 09:36"))  # not signed for: escalated, overdue
    act(org, "handler_eng", "acknowledge", case, now=at("2026-11-02 10:00"))
    act(org, "handler_eng", "progress", case, note="已联系物业上门", now=at("2026-11-02 11:00"))
    run_sweep(at("2026-12-02 09:00"))  # a valid complaint open a month: raised to major
    case.refresh_from_db()
    return case


def sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify(capsys, *args: str) -> tuple[int, str]:
    code = main(["verify-history", *args])
    return code, capsys.readouterr().out


def event_ids(case: Case) -> list[int]:
    return list(case.events.order_by("id").values_list("id", flat=True))


def test_every_writer_seals_and_the_history_verifies_clean(org, capsys):
    case, other = worked_case(org), intake(org, now=at("2026-11-03 09:00"))
    assert {"case.escalated", "case.overdue", "case.severity_raised"} <= set(kinds(case))
    events = list(case.events.order_by("id"))
    assert all(len(e.digest) == 64 for e in events)
    assert [e.prev_digest for e in events] == ["", *(e.digest for e in events[:-1])]
    assert case.history_digest == events[-1].digest
    code, out = verify(capsys)
    assert code == 0, out
    assert f"checked 2 cases, {len(events) + other.events.count()} events" in out
    assert "all intact" in out


def test_a_changed_reason_is_found_and_the_case_named(org, capsys):
    case, other = worked_case(org), intake(org, now=at("2026-11-03 09:00"))
    target = event_ids(case)[3]
    sql(f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["改动过的说明", target])  # noqa: S608
    code, out = verify(capsys)
    assert code == 1
    assert f"case {case.number}: event {target}: content changed" in out
    assert other.number not in out
    assert "1 broken" in out
    assert verify(capsys, "--case", other.number)[0] == 0


def test_a_deleted_middle_event_is_found(org, capsys):
    case = worked_case(org)
    ids = event_ids(case)
    gone = ids[4]
    Notification.objects.filter(event_id=gone).delete()
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", [gone])  # noqa: S608
    code, out = verify(capsys, "--case", case.number)
    assert code == 1
    assert f"case {case.number}: event {ids[5]}: event removed" in out


def test_a_deleted_newest_event_is_found_through_the_case_digest(org, capsys):
    case = worked_case(org)
    last = event_ids(case)[-1]
    Notification.objects.filter(event_id=last).delete()
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", [last])  # noqa: S608
    code, out = verify(capsys)
    assert code == 1
    assert f"case {case.number}: after its last event: event removed" in out


def test_two_swapped_events_are_an_order_change(org, capsys):
    case = worked_case(org)
    ids = event_ids(case)
    first, second = ids[2], ids[5]
    spare = max(ids) + 1000
    for old, new in [(first, spare), (second, first), (spare, second)]:
        sql(f"UPDATE {EVENTS} SET id = %s WHERE id = %s", [new, old])  # noqa: S608
    code, out = verify(capsys)
    assert code == 1
    assert f"case {case.number}: event {first}: order changed" in out


def test_small_batches_stream_the_same_verdicts(org):
    cases = [worked_case(org), intake(org, now=at("2026-11-03 09:00"))]
    target = event_ids(cases[0])[1]
    sql(f"UPDATE {EVENTS} SET data = %s WHERE id = %s", ['{"forged": true}', target])  # noqa: S608
    whole = [(c.number, c.events, c.broken) for c in check_chains()]
    assert whole == [(c.number, c.events, c.broken) for c in check_chains(batch=2)]
    assert [(n, b.event_id if b else None) for n, _, b in whole] == [
        (cases[0].number, target),
        (cases[1].number, None),
    ]


def test_an_unknown_case_is_refused(org, capsys):
    assert main(["verify-history", "--case", "209901999999"]) == 2
    assert "--case: no case numbered '209901999999'" in capsys.readouterr().err
