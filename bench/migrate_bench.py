"""Upgrade benchmark: ``tousu migrate`` from cases 0012 to head over 1,000,000 events, PostgreSQL.

    flock /tmp/tousu-bench.lock timeout 3600 .venv/bin/python bench/migrate_bench.py \
        [--cases 100000] [--per-case 10] [--incidents 5000]

Uses its own database ``tousu_migrate_bench`` on $BENCH_PG (default
postgresql://postgres@127.0.0.1:5432), dropped and created again on every run, then migrated
to the state before this release's data migrations: ``cases 0012`` and every other app at
its head (none of them depends on a later ``cases`` migration; checked). It COPY-loads
``--cases`` cases with ``--per-case`` unsealed events each (their ids interleaved over 1,000
cases at a time, as cases that are open together write them), customers whose phones,
e-mails, addresses and households vary in case and spacing (U+3000 included), and
``--incidents`` incidents with the fifth of the cases as members (some invalid or
withdrawn). Rows come from the history benchmark's generators (``history_bench.py``); the
columns from the migration state at 0012, not from today's models.

Then every migration still to apply runs alone, ``python -m django migrate APP NAME`` in a
child process, and the program prints for each: wall time, the child's CPU time and its peak
memory (the PostgreSQL server's work counts only in the wall time), with the load average.
Last: ``tousu migrate`` (nothing left to do), ``tousu verify-history`` (must exit 0) and every
incident's ``households`` against ``tousu.cases.incidents.households_of``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import history_bench  # noqa: E402  (sets DATABASE_URL to its own database: set ours after)
from bench_db import fresh_database, use_database  # noqa: E402

BENCH_DB = "tousu_migrate_bench"
use_database(BENCH_DB)

BEFORE = ("cases", "0012_list_order_indexes")
GROUP = 1000  # cases whose events interleave (open at the same time)
EXCLUDED = ("invalid", "withdrawn")


def migrate_to_before() -> object:
    """Migrate to ``BEFORE`` and every other app's head; the historical apps at ``BEFORE``."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = [BEFORE, *(node for node in graph.leaf_nodes() if node[0] != "cases")]
    for target in targets:
        later = [n for n in graph.forwards_plan(target) if n[0] == "cases" and n > BEFORE]
        if later:
            raise SystemExit(f"{target} needs {later}: cannot stop cases at {BEFORE[1]}")
    executor.migrate(targets)
    return executor.loader.project_state(BEFORE).apps


def _row(model: object, values: dict) -> list:
    """All concrete columns of a historical model, from ``values`` or the field's default."""
    fields = model._meta.concrete_fields  # type: ignore[attr-defined]
    return [values[f.column] if f.column in values else f.get_default() for f in fields]


def _columns(model: object) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]  # type: ignore[attr-defined]


def customer_values(k: int) -> dict:
    """Customer ``k``: a household for a third; else a phone (a fifth of them with a trailing
    U+3000), an e-mail in either case, a full-width address, or nothing at all."""
    values = {"id": k, "name": f"客户{k}", "phone": "", "email": "", "address": "",
              "household": "", "id_number": "", "created_at": history_bench.START}  # fmt: skip
    if k % 3 == 0:
        values["household"] = f"{k % 3000}栋1单元"
    kind = k % 5
    if kind in (0, 1):
        values["phone"] = f"1380000{k % 7000:04d}" + ("\u3000" if kind else "")
    elif kind == 2:
        values["email"] = f"User{k % 2000}@Example.com" if k % 2 else f"user{k % 2000}@example.com"
    elif kind == 3:
        values["address"] = f"Ａ座{k % 1000}室"
    return values


def load(apps: object, cases: int, per_case: int, incidents: int) -> None:
    from django.db import connection

    from tousu.packs.registry import install_builtin_packs

    Case, Customer, Event, Incident = (
        apps.get_model("cases", name)  # type: ignore[attr-defined]
        for name in ("Case", "Customer", "Event", "Incident")
    )
    started = time.monotonic()
    version = next(v for v in install_builtin_packs() if v.code == "property")
    customers = max(cases // 4, 1)
    defaults = {f.column: f.get_default() for f in Case._meta.concrete_fields}

    def case_row(case_id: int) -> list:
        customer = 1 + (case_id * 2654435761 >> 8) % customers  # spread over an incident's
        values = history_bench.case_values(defaults, case_id, version.pk, customer)
        if case_id % 5 == 0:
            values["incident_id"] = 1 + (case_id // 5) % incidents
            live = case_id % 50 and case_id % 70
            values["status"] = (
                "processing" if live else "invalid" if case_id % 50 == 0 else "withdrawn"
            )
        return _row(Case, values)

    def event_rows():
        event_id = 0
        for first in range(1, cases + 1, GROUP):
            group = range(first, min(first + GROUP, cases + 1))
            for n in range(per_case):
                for case_id in group:
                    event_id += 1
                    content = history_bench.event_content(case_id, n)
                    yield _row(Event, {"id": event_id, **vars(content)})

    created = history_bench.START - timedelta(days=1)
    history_bench._copy(
        Customer._meta.db_table,
        _columns(Customer),
        (_row(Customer, customer_values(k)) for k in range(1, customers + 1)),
    )
    history_bench._copy(
        Incident._meta.db_table,
        _columns(Incident),
        (
            _row(
                Incident,
                {
                    "id": i,
                    "pack": "property",
                    "category": "equipment_water",
                    "key": f"matter-{i}",
                    "title": f"事件{i}",
                    "size": 4,
                    "created_at": created,
                },
            )  # fmt: skip
            for i in range(1, incidents + 1)
        ),
    )
    history_bench._copy(Case._meta.db_table, _columns(Case), map(case_row, range(1, cases + 1)))
    history_bench._copy(Event._meta.db_table, _columns(Event), event_rows())
    with connection.cursor() as cursor:
        for model in (Customer, Incident, Case, Event):
            table = model._meta.db_table
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"loaded {cases:,} cases, {cases * per_case:,} events, {customers:,} customers, "
        f"{incidents:,} incidents in {time.monotonic() - started:.0f} s"
    )


def pending() -> list[tuple[str, str]]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(m.app_label, m.name) for m, backwards in plan if not backwards]


def run(label: str, argv: list[str]) -> int:
    """Run a child; print its wall time, CPU time and peak memory (from wait4)."""
    started = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    print(
        f"{label:<34} {wall:8.1f} s wall {usage.ru_utime + usage.ru_stime:8.1f} s cpu "
        f"{usage.ru_maxrss // 1024:6} MB peak  (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    if child.returncode:
        print(output)
    return child.returncode


def table_sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('cases_event')), "
            "pg_size_pretty(pg_total_relation_size('cases_case'))"
        )
        events, cases = cursor.fetchone()
    return f"cases_event {events}, cases_case {cases} (with indexes)"


def check_households() -> None:
    from tousu.cases.incidents import households_of
    from tousu.cases.models import Incident

    wrong = [
        incident.pk
        for incident in Incident.objects.order_by("id")
        if incident.households != max(households_of(incident), 1)
    ]
    counted = Incident.objects.filter(households__gt=1).count()
    print(f"households: {counted:,} incidents above 1, {len(wrong)} differ from households_of")
    assert not wrong, wrong[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--per-case", type=int, default=10)
    parser.add_argument("--incidents", type=int, default=5_000)
    args = parser.parse_args()
    fresh_database(BENCH_DB)
    import django

    django.setup()
    load(migrate_to_before(), args.cases, args.per_case, args.incidents)
    print(f"before: {table_sizes()}")
    python, tousu = sys.executable, str(Path(sys.executable).with_name("tousu"))
    total = time.monotonic()
    for app, name in pending():
        if run(f"migrate {app} {name}", [python, "-m", "django", "migrate", app, name]):
            raise SystemExit(f"migrate {app} {name} failed")
    print(f"{'all migrations':<34} {time.monotonic() - total:8.1f} s wall")
    assert run("tousu migrate (nothing left)", [tousu, "migrate"]) == 0
    print(f"after: {table_sizes()}")
    assert run("tousu verify-history", [tousu, "verify-history"]) == 0, "a chain is broken"
    check_households()


if __name__ == "__main__":
    main()
