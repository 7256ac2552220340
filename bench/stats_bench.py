"""Statistics benchmark: 1,000,000 cases in PostgreSQL, then time the monthly statistics
(``tousu.reports.stats.statistics`` per dimension, the function behind GET /api/v1/stats) and
the full xlsx report.

    .venv/bin/python bench/stats_bench.py load [--cases 1000000]   # (re)create and fill the db
    .venv/bin/python bench/stats_bench.py run [--period 2026-10] [--repeat 3]
    .venv/bin/python bench/stats_bench.py all

The database is ``$STATS_BENCH_URL`` (default postgresql://postgres@127.0.0.1:5432/
tousu_stats_bench); ``load`` drops and recreates it, migrates, installs the packs, and loads
cases, customers, work orders and events with COPY (the indexes of the migrations, among them
those the statistics read, are rebuilt after the load).

Cases are spread over 2026-01-01 .. 2026-11-20 in id order (as a live system stores them) and
over the packs' leaf categories; each gets
a status with the matching times (received → acknowledged → resolved → replied → closed), due
times from rough per-severity limits, work orders and the events the statistics read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

from proc_cpu import backend_cpu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
URL = os.environ.get("STATS_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/tousu_stats_bench")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)  # UTC formats faster
SPAN_S = int((datetime(2026, 11, 20, tzinfo=SHANGHAI) - START).total_seconds())
AS_OF = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)


def weights(text: str) -> dict[str, int]:
    """``"phone 45 web 10"`` → {"phone": 45, "web": 10}."""
    words = text.split()
    return {code: int(weight) for code, weight in zip(words[::2], words[1::2], strict=True)}


PACK_WEIGHTS = weights("property 40 telecom 25 bank 15 internet 10 logistics 5 retail 5")
CHANNELS = weights(
    "phone 45 wechat 15 app 12 web 10 walk_in 8 email 4 letter 2 regulator 2 media 1 headquarters 1"
)
STATUS = weights(
    "registered 2 dispatched 3 processing 6 resolved 4 replied 10 closed 65 invalid 6 withdrawn 4"
)
VALIDITY = {"valid": 80, "assist": 12, "": 8}
SATISFACTION = {"satisfied": 70, "basically_satisfied": 20, "dissatisfied": 3, "": 7}
WINDOW_SHARE = 0.15  # of finished cases, closed at the window
PLACES = [
    f"{name}小区{b}栋"
    for name in ("幸福", "阳光", "锦绣", "翠湖", "金色", "和平", "东方", "新城", "春晓", "明珠")
    for b in range(1, 21)
]
UNITS = [("hq", "客服中心", "centre")] + [
    (f"u{i:02d}", f"处理部门{i:02d}", "department") for i in range(1, 13)
]
BATCH = 50_000


_CUMULATIVE: dict[int, tuple[list[str], list[int]]] = {}


def pick(table: dict[str, int], rnd: random.Random) -> str:
    if id(table) not in _CUMULATIVE:
        _CUMULATIVE[id(table)] = (list(table), list(accumulate(table.values())))
    population, cumulative = _CUMULATIVE[id(table)]
    return rnd.choices(population, cum_weights=cumulative)[0]


# --------------------------------------------------------------------------- set-up


def recreate_database() -> None:
    import psycopg

    base, _, name = URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def make_org():
    from tousu.org.models import Unit, User

    units = {}
    for code, name, kind in UNITS:
        units[code] = Unit.objects.create(code=code, name=name, kind=kind, parent=units.get("hq"))
    agent = User.objects.create(username="bench_agent", role="agent", unit=units["hq"])
    return units, agent


# --------------------------------------------------------------------------- generation


class Generator:
    """Rows for cases, work orders and events, with ids assigned here."""

    def __init__(self, spec: dict, seed: int, first_order_id: int) -> None:
        self.rnd = random.Random(seed)
        self.packs = spec["packs"]
        self.unit_ids = spec["units"]
        self.hq = spec["hq"]
        self.order_id = first_order_id
        self.total = spec["total"]

    def case(self, case_id: int, customers: int) -> tuple[dict, list[dict], list[tuple]]:
        rnd = self.rnd
        pack_code = pick(PACK_WEIGHTS, rnd)
        pack = self.packs[pack_code]
        # ids follow time, as in a live system (rows are stored in arrival order)
        received = START + timedelta(seconds=SPAN_S * (case_id - 1 + rnd.random()) / self.total)
        severities = pack["severities"]
        sev_code, sev_rank = severities[min(int(rnd.expovariate(2.0)), len(severities) - 1)]
        status = pick(STATUS, rnd)
        local = received + timedelta(hours=8)
        case = {  # numbers: YYYYMM + the id's last 6 digits (unique for up to 1,000,000 ids)
            "id": case_id,
            "number": f"{local.year}{local.month:02d}{case_id % 1_000_000:06d}",
            "pack": pack_code,
            "pack_version_id": pack["version"],
            "status": status,
            "channel": pick(CHANNELS, rnd),
            "request_type": rnd.choice(pack["request_types"]),
            "category": rnd.choice(pack["leaves"]),
            "validity": "invalid" if status == "invalid" else pick(VALIDITY, rnd),
            "responsibility_class": rnd.choice(("class1", "class1", "class2", "class3", "")),
            "severity": sev_code,
            "severity_rank": sev_rank,
            "customer_id": rnd.randrange(1, customers + 1),
            "description": "投诉内容（基准测试数据）",
            "received_at": received,
            "created_at": received,
            "updated_at": received,
            "location": rnd.choice(PLACES),
            "intake_unit_id": self.hq,
            "complained_unit_id": rnd.choice(self.unit_ids) if rnd.random() < 0.3 else None,
            "urge_count": rnd.choice((1, 1, 2, 3)) if rnd.random() < 0.05 else 0,
            "repeat_of_id": rnd.randrange(1, case_id)
            if case_id > 1000 and rnd.random() < 0.02
            else None,
        }
        limit = timedelta(days=(2, 3, 10, 10)[min(sev_rank - 1, 3)])
        case["due_resolve"] = received + limit
        if pack_code == "telecom" and case["request_type"] in ("fault", "complaint"):
            case["due_statutory_reply"] = received + timedelta(days=21)
        orders, events = self._course(case, received, limit)
        return case, orders, events

    def _course(self, case: dict, received: datetime, limit: timedelta):
        rnd, status = self.rnd, case["status"]
        events = [(case["id"], "case.registered", received)]
        finished = status in ("resolved", "replied", "closed")
        if status in ("invalid", "withdrawn"):
            case["closed_at"] = received + timedelta(hours=rnd.uniform(0.2, 30))
            return [], events
        if finished and rnd.random() < WINDOW_SHARE:
            at = received + timedelta(minutes=rnd.uniform(3, 30))
            case.update(replied_at=at, status="closed" if status == "closed" else "replied")
            events.append((case["id"], "case.closed_at_window", at))
            self._close(case, at, events)
            return [], events
        orders = self._orders(case, received, limit, events) if status != "registered" else []
        if finished:
            resolved = received + limit * rnd.lognormvariate(-1.0, 0.8)
            case["resolved_at"] = resolved
            events.append((case["id"], "case.resolved", resolved))
            for order in orders:
                order.update(status="done", done_at=resolved)
            case["due_reply"] = resolved + timedelta(days=1)
            if status != "resolved":
                replied = resolved + timedelta(hours=rnd.uniform(0.5, 30))
                case["replied_at"] = replied
                events.append((case["id"], "case.replied", replied))
                self._close(case, replied, events)
        return orders, events

    def _close(self, case: dict, replied: datetime, events: list) -> None:
        if case["status"] != "closed":
            return
        rnd = self.rnd
        at = replied + timedelta(hours=rnd.uniform(2, 70))
        case["closed_at"] = at
        case["satisfaction"] = pick(SATISFACTION, rnd)
        events.append((case["id"], "case.followed_up", at))

    def _orders(self, case: dict, received: datetime, limit: timedelta, events: list):
        rnd = self.rnd
        self.order_id += 1
        issued = received + timedelta(minutes=rnd.uniform(2, 20))
        order = {
            "id": self.order_id,
            "case_id": case["id"],
            "unit_id": rnd.choice(self.unit_ids),
            "status": "issued",
            "issued_at": issued,
            "due_acknowledge": issued + timedelta(minutes=30),
            "due_resolve": received + limit,
        }
        events.append((case["id"], "case.dispatched", issued))
        if case["status"] != "dispatched":
            acked = issued + timedelta(minutes=rnd.expovariate(1 / 20))
            order.update(status="acknowledged", acknowledged_at=acked)
            events.append((case["id"], "work_order.acknowledged", acked))
        return [order]


# --------------------------------------------------------------------------- COPY


def columns_of(model) -> list[tuple[str, str, object]]:
    """(attname, column, default) for every concrete column of ``model``; the default is what
    Django would store for a field the row leaves out."""
    out = []
    for f in model._meta.concrete_fields:
        if f.null:
            default = None
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = AS_OF
        else:
            default = f.get_default()
        out.append((f.attname, f.column, default))
    return out


def text_value(value: object) -> str:
    """One field of COPY's text format (the strings loaded here hold no tabs or newlines)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def rows_text(model, rows: list[dict]) -> bytes:
    defaults = [(a, text_value(d)) for a, _, d in columns_of(model)]
    lines = ["\t".join(text_value(row[a]) if a in row else d for a, d in defaults) for row in rows]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def copy_text(cursor, model, text: bytes) -> None:
    """COPY ready text into the model's table (``None``: the events)."""
    if not text:
        return
    if model is None:
        sql = 'COPY "cases_event" (case_id, kind, at, before, after, reason, data) FROM STDIN'
    else:
        names = ", ".join(f'"{c}"' for _, c, _ in columns_of(model))
        sql = f'COPY "{model._meta.db_table}" ({names}) FROM STDIN'
    with cursor.copy(sql) as copy:
        copy.write(text)


BULK_TABLES = ("cases_case", "cases_workorder", "cases_event")


def drop_indexes(cursor) -> list[str]:
    """Drop the secondary indexes of the bulk tables (kept: primary keys and unique
    constraints); returns their definitions to recreate after the load."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "LEFT JOIN pg_constraint c ON c.conname = i.indexname "
        "WHERE i.tablename = ANY(%s) AND c.conname IS NULL",
        [list(BULK_TABLES)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def pack_spec(units) -> dict:
    """What the generator needs of the packs and units, as plain picklable values."""
    from tousu.packs.registry import active_packs

    packs = {}
    for active in active_packs():
        pack = active.pack
        packs[pack.code] = {
            "version": active.version.pk,
            "leaves": [c.code for c in pack.categories if not pack.children(c.code)],
            "severities": [(s.code, s.rank) for s in pack.severities],
            "request_types": list(pack.request_types),
        }
    return {
        "packs": packs,
        "units": [u.pk for c, u in units.items() if c != "hq"],
        "hq": units["hq"].pk,
    }


def batch_text(args: tuple) -> tuple[int, bytes, bytes, bytes]:
    """COPY text for the cases ``first..last`` (and their orders and events)."""
    spec, first, last, customers = args
    from tousu.cases.models import Case, WorkOrder

    gen = Generator(spec, seed=first, first_order_id=first * 2)
    cases, orders, events = [], [], []
    for case_id in range(first, last + 1):
        case, case_orders, case_events = gen.case(case_id, customers)
        cases.append(case)
        orders += case_orders
        events += case_events
    event_lines = [
        f"{case_id}\t{kind}\t{at.isoformat()}\t{{}}\t{{}}\t\t{{}}" for case_id, kind, at in events
    ]
    return (
        last - first + 1,
        rows_text(Case, cases),
        rows_text(WorkOrder, orders),
        ("\n".join(event_lines) + "\n").encode(),
    )


def load(total: int) -> None:
    from multiprocessing import get_context

    recreate_database()
    call_command = setup_django()
    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    from tousu.cases.models import Case, Customer, WorkOrder
    from tousu.packs.registry import install_builtin_packs

    install_builtin_packs()
    units, _agent = make_org()
    spec = {**pack_spec(units), "total": total}
    customers = max(total // 20, 1)
    started = time.monotonic()
    jobs = [
        (spec, first, min(first + BATCH - 1, total), customers)
        for first in range(1, total + 1, BATCH)
    ]
    connection.close()  # the forked workers must not share the connection
    with connection.cursor() as cursor, get_context("fork").Pool(2) as pool:
        raw = cursor.cursor
        # The rows are consistent by construction: skip the per-row foreign-key triggers.
        raw.execute("SET session_replication_role = replica")
        index_definitions = drop_indexes(raw)
        copy_text(
            raw,
            Customer,
            rows_text(
                Customer,
                [
                    {"id": i, "name": f"客户{i}", "phone": f"138{i:08d}"}
                    for i in range(1, customers + 1)
                ],
            ),
        )
        done = 0
        for count, case_text, order_text, event_text in pool.imap(batch_text, jobs):
            copy_text(raw, Case, case_text)
            copy_text(raw, WorkOrder, order_text)
            copy_text(raw, None, event_text)
            done += count
            print(f"  {done:>9,} cases  {time.monotonic() - started:6.1f} s", flush=True)
        print(f"rebuilding {len(index_definitions)} indexes", flush=True)
        for definition in index_definitions:
            raw.execute(definition)
        for table in ("cases_customer", "cases_case", "cases_workorder", "cases_event"):
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        # VACUUM, not only ANALYZE: the visibility map lets index-only scans skip the heap,
        # as autovacuum would have done on a live system
        cursor.execute("VACUUM (ANALYZE)")
    print(f"loaded {total:,} cases in {time.monotonic() - started:.1f} s")


# --------------------------------------------------------------------------- timing


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def timed(label: str, fn, repeat: int):
    """Best wall time of ``repeat`` runs (the machine may be shared), the CPU time of that
    run (this process + its PostgreSQL backend: robust to other people's load), and the load."""
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(repeat):
        cpu_before, backend_before = time.process_time(), backend_cpu()
        started = time.monotonic()
        result = fn()
        seconds = time.monotonic() - started
        if seconds < best:
            best = seconds
            cpu = time.process_time() - cpu_before + backend_cpu() - backend_before
    print(
        f"  {label:<34} {best:7.3f} s  cpu {cpu:6.3f} s  (best of {repeat}; "
        f"load average {load_average()})",
        flush=True,
    )
    return result, best


def run(period_code: str, pack: str, repeat: int) -> None:
    call_command = setup_django()
    call_command("migrate", interactive=False, verbosity=0)  # columns added since the load
    from tousu.cases.models import Case
    from tousu.reports import export_xlsx, report
    from tousu.reports.dimensions import DIMENSIONS
    from tousu.reports.periods import parse_period
    from tousu.reports.stats import make_scope, statistics

    print(f"cases in the database: {Case.objects.count():,}; {os.cpu_count()} cores")
    period = parse_period(period_code, AS_OF)
    count = make_scope(AS_OF, pack=pack).period_cases(period).count()
    print(f"period {period.code}: {count:,} cases{' of pack ' + pack if pack else ''}")
    worst = 0.0
    for by in DIMENSIONS:
        # a fresh scope each time: nothing cached, each call as the API makes it
        _, seconds = timed(
            f"GET /stats?by={by}",
            lambda by=by: statistics(make_scope(AS_OF, pack=pack), period, by),
            repeat,
        )
        worst = max(worst, seconds)
    print(f"  slowest stats call: {worst:.3f} s (target < 1 s)")
    out = Path("/tmp/stats_bench_report.xlsx")

    def full_report() -> int:
        data = report.build(make_scope(AS_OF, pack=pack), period)
        return export_xlsx.write(data, out)

    size, seconds = timed("full xlsx report", full_report, max(1, repeat - 1))
    print(f"  xlsx: {size:,} bytes in {seconds:.2f} s (target < 10 s) → {out}")
    print("  with the result cache (TOUSU_STATS_CACHE_SECONDS, data unchanged):")
    from django.conf import settings
    from django.core.cache import cache

    settings.TOUSU_STATS_CACHE_SECONDS = 600
    cache.clear()
    for by in DIMENSIONS:
        statistics(make_scope(AS_OF, pack=pack), period, by, cached=True)  # fills the cache
    timed(
        "  GET /stats?by=unit, cached",
        lambda: statistics(make_scope(AS_OF, pack=pack), period, "unit", cached=True),
        repeat,
    )

    def cached_report() -> int:
        data = report.build(make_scope(AS_OF, pack=pack), period, cached=True)
        return export_xlsx.write(data, out)

    timed("  xlsx after the report page", cached_report, max(1, repeat - 1))
    print("  parts of the report:")
    from tousu.reports.brief import build_brief
    from tousu.reports.dimensions import REPORT_DIMENSIONS
    from tousu.reports.warnings import detect

    dims = tuple(DIMENSIONS[by] for by in REPORT_DIMENSIONS)
    timed(
        "  all dimensions (one scan)",
        lambda: make_scope(AS_OF, pack=pack).prefetch(period, dims),
        1,
    )
    timed("  quality brief", lambda: build_brief(make_scope(AS_OF, pack=pack), period), 1)
    timed("  early warnings", lambda: detect(make_scope(AS_OF, pack=pack), period), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("load", "run", "all"))
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--pack", default="")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best counts")
    args = parser.parse_args()
    if args.command in ("load", "all"):
        load(args.cases)
    if args.command in ("run", "all"):
        run(args.period, args.pack, args.repeat)


if __name__ == "__main__":
    main()
