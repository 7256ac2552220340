"""History benchmark: ``tousu verify-history`` over 1,000,000 events on PostgreSQL.

    flock /tmp/tousu-bench.lock timeout 1800 .venv/bin/python bench/history_bench.py \
        [--cases 50000] [--per-case 20] [--reload]

Uses its own database ``tousu_history_bench`` on $BENCH_PG (default
postgresql://postgres@127.0.0.1:5432), created and migrated on first use. Cases and events go
in with COPY, each event sealed (``tousu.rules.history.digest``) as ``record`` would; later
runs reuse them. Then it runs the check the command runs (``check_chains``) twice, once over
the intact chains and once after one event's reason was changed by SQL (then restored), and
prints events per second, CPU time of this process and its peak memory (the events are
streamed: memory must not grow with the table), and the CPU time sealing takes per new event.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import time
from datetime import UTC, datetime, timedelta

from bench_db import ensure_database, setup_django, use_database

from tousu.rules.history import Content  # pure: no Django

BENCH_DB = "tousu_history_bench"
use_database(BENCH_DB)

START = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
KINDS = ["case.registered", "case.triaged", "case.dispatched", "case.progress", "case.urged"]


def _text(value: object) -> str:
    """A value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _copy(table: str, columns: list[str], rows: object) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for n, row in enumerate(rows, 1):  # type: ignore[call-overload]
                buffer.write("\t".join(_text(v) for v in row) + "\n")
                if n % 20000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())


def event_content(case_id: int, n: int) -> Content:
    """The ``n``-th event of case ``case_id`` (also bench/migrate_bench.py's)."""
    at = START + timedelta(minutes=case_id % 5000, seconds=n * 37)
    return Content(
        case_id, KINDS[min(n, 4)], None, at, {"status": "registered"} if n else {},
        {"status": "processing"}, f"第{n}次处理说明：已联系客户", {"step": n},
    )  # fmt: skip


def case_values(defaults: dict, case_id: int, version_id: int, customer_id: int) -> dict:
    """A case row's columns: ``defaults`` (column -> default) and the bench's values."""
    received = START + timedelta(minutes=case_id % 5000)
    return {**defaults, "id": case_id, "number": f"H{case_id:011d}", "pack": "property",
            "pack_version_id": version_id, "status": "processing", "channel": "phone",
            "request_type": "complaint", "category": "equipment_water", "severity": "minor",
            "severity_rank": 1, "customer_id": customer_id, "description": "水管漏水",
            "received_at": received, "created_at": received, "updated_at": received}  # fmt: skip


def load(cases: int, per_case: int) -> None:
    from django.db import connection

    from tousu.cases.models import Case, Customer, Event
    from tousu.packs.registry import install_builtin_packs
    from tousu.rules.history import digest

    version = next(v for v in install_builtin_packs() if v.code == "property")
    customer = Customer.objects.get_or_create(name="基准客户", phone="13800000000")[0]
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_event, cases_case RESTART IDENTITY CASCADE")
    defaults = {f.column: f.get_default() for f in Case._meta.concrete_fields}
    latest: dict[int, str] = {}

    def events():
        event_id = 0
        for case_id in range(1, cases + 1):
            previous = ""
            for n in range(per_case):
                event_id += 1
                content = event_content(case_id, n)
                sealed = digest(content, previous)
                yield (event_id, case_id, content.kind, None, content.at, content.before,
                       content.after, content.reason, content.data, sealed, previous)  # fmt: skip
                previous = sealed
            latest[case_id] = previous

    event_columns = ["id", "case_id", "kind", "actor_id", "at", "before", "after", "reason",
                     "data", "digest", "prev_digest"]  # fmt: skip
    from django.db import transaction

    # the cases are written after their events, once the newest digest of each is known:
    # one transaction, the foreign keys checked at commit
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        _copy("cases_event", event_columns, events())
        case_columns = [c for c in defaults if c != "id"]

        def case_rows():
            for case_id in range(1, cases + 1):
                values = case_values(defaults, case_id, version.pk, customer.pk)
                values["history_digest"] = latest[case_id]
                yield [values["id"], *(values[c] for c in case_columns)]

        _copy("cases_case", ["id", *case_columns], case_rows())
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_event"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
            cursor.execute(f"ANALYZE {table}")
    total = Event.objects.count()
    print(f"loaded {cases:,} cases, {total:,} sealed events in {time.monotonic() - started:.0f} s")


def measure(label: str) -> tuple[int, int]:
    from tousu.cases.history import check_chains

    wall, cpu = time.monotonic(), time.process_time()
    cases = events = broken = 0
    for chain in check_chains():
        cases += 1
        events += chain.events
        broken += chain.broken is not None
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{label:<28} {cases:>9,} cases {events:>11,} events {broken:>3} broken  "
        f"{wall:6.1f} s wall  {cpu:6.1f} s cpu  {events / wall:>9,.0f} events/s  "
        f"peak rss {peak} MB  (load {os.getloadavg()[0]:.1f})"
    )
    return events, broken


def measure_seal(count: int = 200_000) -> None:
    """What sealing adds to a write, in this process: ``history.seal`` over new events of
    the sweep's shape (one case's events at a time, as the sweep's flush does)."""
    from tousu.cases.history import seal
    from tousu.cases.sweep_state import SweepEvent

    events = [
        SweepEvent(
            case_id=1 + n // 4,
            kind="case.escalated",
            at=START + timedelta(seconds=n),
            data={"step": "notify_handler", "work_order": n, "clock": "acknowledge"},
            reason="超时未签收",
        )  # fmt: skip
        for n in range(count)
    ]
    cpu = time.process_time()
    for start in range(0, count, 4):
        seal(events[start : start + 4], "")
    cpu = time.process_time() - cpu
    print(f"{'seal (no database)':<28} {count:>11,} events {cpu:6.2f} s cpu  "
          f"{cpu / count * 1e6:5.1f} µs an event")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--per-case", type=int, default=20)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    ensure_database(BENCH_DB)
    setup_django(packs=False)
    from django.db import connection

    from tousu.cases.models import Event

    wanted = args.cases * args.per_case
    if args.reload or Event.objects.count() != wanted:
        load(args.cases, args.per_case)
    print(f"rss after setup {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    measure_seal()
    events, broken = measure("intact")
    assert broken == 0, broken
    target = wanted // 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_event WHERE id = %s", [target])
        (reason,) = cursor.fetchone()
        cursor.execute("UPDATE cases_event SET reason = 'changed' WHERE id = %s", [target])
    try:
        events, broken = measure("one reason changed")
        assert broken == 1, broken
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_event SET reason = %s WHERE id = %s", [reason, target])


if __name__ == "__main__":
    main()
