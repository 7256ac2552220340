"""Sweep benchmark: 1,000,000 open work orders, 1% past due, on PostgreSQL.

    .venv/bin/python bench/sweep_bench.py [--orders 1000000] [--late 0.01] [--reload]

Uses its own database ``tousu_sweep_bench`` (or $SWEEP_BENCH_DB) on $BENCH_PG (default
postgresql://postgres@127.0.0.1:5432), created and migrated on first use. Rows go in with
COPY (one case and one acknowledged property work order each); later runs reuse them and only
undo what the previous sweep did. Then it times, with the query count:

1. the first sweep at NOW: every late work order is escalated (handler step, overdue);
2. the same sweep again: idempotent, nothing left to do;
3. a sweep a minute later, when nothing is due;
4. the same once VACUUM (autovacuum's job) has cleared the handled rows' old index entries;

and prints the plan of the selection query and the verdict of ``tousu verify-history`` on the
cases the sweep wrote events for. Targets: (1) under 10 s, (3) and (4) under 100 ms.
CPU time is shown for the sweep process and for its PostgreSQL backend: on a busy machine
the wall time also counts the wait for a core.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench_db import ensure_database, setup_django, use_database
from proc_cpu import backend_cpu

BENCH_DB = os.environ.get("SWEEP_BENCH_DB", "tousu_sweep_bench")
use_database(BENCH_DB)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday morning
CHUNK = 50_000
SWEEP_KINDS = ("case.escalated", "case.overdue", "case.near_breach", "work_order.near_breach",
               "case.severity_raised", "work_order.progress_reminder")  # fmt: skip


def org() -> tuple[int, list[int], int, int]:
    """Packs, units and staff: (property pack version id, handler ids, eng unit, customer)."""
    from tousu.cases.models import Customer
    from tousu.org.models import Unit, User
    from tousu.packs.registry import install_builtin_packs

    version = next(v for v in install_builtin_packs() if v.code == "property")
    hq, _ = Unit.objects.get_or_create(code="hq", defaults={"name": "客服中心", "kind": "centre"})
    eng, _ = Unit.objects.get_or_create(
        code="eng", defaults={"name": "工程部", "kind": "department", "parent": hq}
    )
    staff = [("manager", "manager", hq), ("supervisor", "supervisor", hq)]
    staff += [(f"handler{i}", "handler", eng) for i in range(20)]
    for name, role, unit in staff:
        if not User.objects.filter(username=name).exists():
            user = User(username=name, role=role, unit=unit)
            user.set_unusable_password()
            user.save()
    handlers = list(User.objects.filter(role="handler").values_list("id", flat=True))
    customer = Customer.objects.get_or_create(name="基准客户", phone="13800000000")[0]
    return version.pk, handlers, eng.pk, customer.pk


# --- bulk load -------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return json.dumps(value).replace("\\", "\\\\")
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _defaults(model: type) -> dict[str, object]:
    return {f.column: f.get_default() for f in model._meta.concrete_fields if f.column != "id"}


def copy_rows(model: type, rows: object) -> None:
    from django.db import connection

    columns = list(_defaults(model))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        quoted = ", ".join(f'"{c}"' for c in columns)
        sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
        with raw.copy(sql) as copy:
            buffer = io.StringIO()
            for n, row in enumerate(rows, 1):
                buffer.write("\t".join(_text(row[c]) for c in columns) + "\n")
                if n % CHUNK == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())


def load(orders: int, late: float) -> None:
    from django.db import connection

    from tousu.cases.models import Case, WorkOrder

    version, handlers, eng, customer = org()
    rng = random.Random(20261124)
    late_every = round(1 / late)
    case_defaults, order_defaults = _defaults(Case), _defaults(WorkOrder)
    started = time.monotonic()
    first_id = _next_id("cases_case")

    def cases():
        for i in range(orders):
            received = NOW - timedelta(minutes=rng.randint(60, 60 * 20))
            due = NOW + timedelta(hours=rng.uniform(5, 72))  # the case's own clock is far off
            yield {**case_defaults, "number": f"B{i:011d}", "pack": "property",
                   "pack_version_id": version, "status": "processing", "channel": "phone",
                   "request_type": "complaint", "category": "equipment_water",
                   "severity": "minor", "severity_rank": 1, "customer_id": customer,
                   "description": "水管漏水", "received_at": received, "created_at": received,
                   "updated_at": received, "due_resolve": due, "next_due_at": due}  # fmt: skip

    def work_orders():
        for i in range(orders):
            issued = NOW - timedelta(hours=rng.uniform(1, 11))
            if i % late_every == 0:
                due = NOW - timedelta(minutes=rng.uniform(1, 60))  # past due: escalate now
            else:
                due = NOW + timedelta(hours=rng.uniform(5, 48))  # beyond any warning margin
            yield {**order_defaults, "case_id": first_id + i, "unit_id": eng,
                   "status": "acknowledged", "handler_id": rng.choice(handlers),
                   "issued_at": issued, "acknowledged_at": issued, "due_resolve": due,
                   "next_due_at": due}  # fmt: skip

    copy_rows(Case, cases())
    copy_rows(WorkOrder, work_orders())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_workorder")
    print(f"loaded {orders:,} cases and work orders in {time.monotonic() - started:.0f} s")


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
        return cursor.fetchone()[0] + 1


def reset() -> None:
    """Undo a previous sweep: its events, notifications, clock state and hash chains."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notify_notification")
        cursor.execute("DELETE FROM cases_event WHERE kind = ANY(%s)", [list(SWEEP_KINDS)])
        for table in ("cases_case", "cases_workorder"):
            cursor.execute(
                f"UPDATE {table} SET swept_due_at = NULL, sweep_at = NULL, escalation_step = 0, "
                "escalation_from = NULL, warned_due_at = NULL "
                "WHERE swept_due_at IS NOT NULL OR sweep_at IS NOT NULL"
            )
        cursor.execute("UPDATE cases_case SET overdue = false WHERE overdue")
        # the loaded cases have no other events: their chains start again empty
        cursor.execute("UPDATE cases_case SET history_digest = '' WHERE history_digest <> ''")
        cursor.execute("VACUUM ANALYZE cases_workorder")
        cursor.execute("VACUUM ANALYZE cases_case")


# --- measure ---------------------------------------------------------------------------------


def timed_sweep(label: str, now: datetime) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tousu.cases.sweep import run_sweep

    server_before = backend_cpu()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        report = run_sweep(now)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = backend_cpu() - server_before
    result = {"run": label, "seconds": round(seconds, 3), "queries": len(queries),
              "client_cpu": round(cpu, 3), "server_cpu": round(server, 3),
              "cases": report.looked_at, "counts": dict(report.counts)}  # fmt: skip
    print(f"{label:<22} {seconds * 1000:>9.1f} ms  {len(queries):>4} queries  "
          f"cpu: sweep {cpu * 1000:>7.1f} ms + PostgreSQL {server * 1000:>7.1f} ms  "
          f"{report.looked_at:>6} cases  {report.summary()}")  # fmt: skip
    return result


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("cases_workorder", "cases_case", "cases_event", "notify_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def explain(now: datetime) -> None:
    from django.db import connection
    from django.db.models import Q

    from tousu.cases.models import UNSWEPT, WorkOrder

    query = WorkOrder.objects.filter(
        (Q(next_due_at__lte=now + timedelta(hours=4)) & UNSWEPT) | Q(sweep_at__lte=now)
    ).values_list("case_id", flat=True)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        print("\nselection plan (work orders):")
        for (line,) in cursor.fetchall():
            print(f"  {line}")


def verify_history() -> None:
    """The hash chain of every case the sweep wrote events for (``tousu verify-history``)."""
    from tousu.cases.history import check_chains

    started = time.perf_counter()
    chains = [c for c in check_chains() if c.events]
    broken = [c for c in chains if c.broken is not None]
    events = sum(c.events for c in chains)
    print(f"\nverify-history: {len(chains):,} cases, {events:,} events, {len(broken)} broken "
          f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
    for chain in broken[:3]:
        print(f"  case {chain.number}: {chain.broken}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--late", type=float, default=0.01, help="share past due (0.01)")
    parser.add_argument("--reload", action="store_true", help="drop and load the rows again")
    args = parser.parse_args()
    ensure_database(BENCH_DB)
    setup_django(packs=False)
    from tousu.cases.models import WorkOrder

    if args.reload or WorkOrder.objects.count() != args.orders:
        _truncate()
        load(args.orders, args.late)
    else:
        reset()
    from tousu.cases.sweep import widest_margin

    started = time.perf_counter()
    widest_margin()  # a worker parses each stored pack once; do it before the clock starts
    print(f"packs parsed in {time.perf_counter() - started:.2f} s (once per worker process)")
    late = WorkOrder.objects.filter(next_due_at__lte=NOW).count()
    print(f"{args.orders:,} open work orders, {late:,} past due, sweep at {NOW.isoformat()}")
    print(f"load average before: {_load()}\n")
    results = [
        timed_sweep("1. first sweep", NOW),
        timed_sweep("2. same time again", NOW),
        timed_sweep("3. a minute later", NOW + timedelta(minutes=1)),
    ]
    vacuum()  # what autovacuum does after a big write: the handled rows leave the indexes
    results.append(timed_sweep("4. after vacuum", NOW + timedelta(minutes=2)))
    print(f"load average after: {_load()} ({os.cpu_count()} cores)")
    explain(NOW + timedelta(minutes=1))
    verify_history()
    print(json.dumps(results, ensure_ascii=False))
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notify_notification, cases_event, cases_workorder, cases_proposal, "
            "cases_idempotencykey, cases_case RESTART IDENTITY CASCADE"
        )


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    sys.exit(main())
