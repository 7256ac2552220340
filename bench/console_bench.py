"""Console speed at 100,000 cases: server time of each console page, per role (SPEC §10, issue 5
item 8: no page slower than 300 ms).

    python bench/console_bench.py load [--cases 100000]   # fresh PostgreSQL database, bulk-loaded
    python bench/console_bench.py run [--repeat 15]       # time every page, print p50/p95

``load`` drops and re-creates the database ``tousu_console_bench`` (its own, so the API and
stats benchmarks keep theirs), migrates it, and fills it with ``bench/bulk_load.py`` (the rows
the API benchmark uses: cases in every status with their customers, work orders and events).
It then adds one console user per role.

``run`` serves the pages in-process with Django's test client (no network, no browser): the
figure is the time from request to rendered response — middleware, session, queries and
templates. Each page is requested once cold ("first": it fills the pack cache and compiles
templates; the dashboard's statistics are not cached), once under a query counter, then
``--repeat`` times (p50/p95/max); case and work-order pages cycle through different cases. Run it on a
quiet machine, under the benchmark lock:

    flock /tmp/tousu-bench.lock timeout 2400 .venv/bin/python bench/console_bench.py run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DB = "tousu_console_bench"
PG_ADMIN = ["-h", "127.0.0.1", "-U", "postgres"]
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
TARGET_MS = 300.0
SAMPLES = 15  # different cases for the case and work-order pages

# console users added to bulk_load's org: username, role, unit
USERS = [
    ("bench_agent", "agent", "hq"),  # made by bulk_load setup
    ("bench_dispatcher", "dispatcher", "hq"),
    ("bench_handler", "handler", "eng"),
    ("bench_supervisor", "supervisor", "hq"),  # made by bulk_load setup
    ("bench_quality", "quality", "hq"),
    ("bench_admin", "admin", "hq"),
]


def env() -> dict[str, str]:
    data = HERE / "out" / "data-console"
    data.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "TOUSU_DATA_DIR": str(data),
        "TOUSU_SECRET_KEY": "bench-secret-not-for-prod",
        "TOUSU_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "tousu.settings",
        "PYTHONUNBUFFERED": "1",
    }


def sh(cmd: list[str]) -> str:
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def load(cases: int) -> None:
    sh(["dropdb", *PG_ADMIN, "--if-exists", "--force", DB])
    sh(["createdb", *PG_ADMIN, DB])
    sh([str(BIN / "tousu"), "migrate"])
    sh([sys.executable, str(HERE / "bulk_load.py"), "setup"])
    t0 = time.perf_counter()
    out = sh([sys.executable, str(HERE / "bulk_load.py"), "load", str(cases)])
    last = out.strip().splitlines()[-1]
    print(last[:600] + (" …" if len(last) > 600 else ""))
    print(f"bulk load: {time.perf_counter() - t0:.0f} s")
    _django()
    _users()


def _django() -> None:
    os.environ.update(env())
    sys.path.insert(0, str(HERE))
    import django

    django.setup()


def _users() -> dict:
    from bulk_load import PASSWORD

    from tousu.org.models import Unit, User

    units = {u.code: u for u in Unit.objects.all()}
    found = {}
    for username, role, unit in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.unit, user.display_name = role, units[unit], username
        user.set_password(PASSWORD)
        user.save()
        found[role] = user
    return found


def _samples() -> dict[str, list]:
    """Case numbers and work-order ids to cycle through (a handler's from their unit)."""
    from tousu.cases.models import Case, WorkOrder

    rng = random.Random(5)
    ids = list(Case.objects.order_by("-id").values_list("id", flat=True)[:20000])
    picked = rng.sample(ids, SAMPLES)
    numbers = list(Case.objects.filter(id__in=picked).values_list("number", flat=True))
    live = WorkOrder.objects.filter(unit__code="eng", status__in=WorkOrder.LIVE)
    orders = list(live.order_by("-id").values_list("id", "case__number")[:SAMPLES])
    phones = list(Case.objects.filter(id__in=picked).values_list("customer__phone", flat=True))
    return {"numbers": numbers, "orders": orders, "phones": phones}


def _pages(role: str, user, s: dict) -> list[tuple[str, list[tuple[str, str, dict | None]]]]:
    """(page name, requests to cycle through) for one role: (method, path, post data)."""
    from tousu.web.console import queues

    pages = [("home", [("GET", "/console/", None)])]
    for q in queues.queues_for(user):
        pages.append((f"queue {q.code}", [("GET", f"/console/queues/{q.code}/", None)]))
    pages += [
        ("search 漏水", [("GET", "/console/queues/all/?q=漏水", None)]),
        ("filter", [("GET", "/console/queues/all/?status=processing&severity=important"
                            "&ordering=-created_at", None)]),
        ("page 40", [("GET", "/console/queues/all/?page=40", None)]),
        ("dashboard", [("GET", "/console/dashboard/", None)]),
    ]
    if role == "handler":
        pages.append(("work order", [("GET", f"/console/work-orders/{pk}/", None)
                                     for pk, _n in s["orders"]]))
        pages.append(("case", [("GET", f"/console/cases/{n}/", None) for _p, n in s["orders"]]))
    else:
        pages.append(("case", [("GET", f"/console/cases/{n}/", None) for n in s["numbers"]]))
    if role in ("agent", "supervisor"):
        pages.append(("intake", [("GET", "/console/intake/?pack=property", None)]))
        pages.append(("customer look-up", [("POST", "/console/intake/customer/",
                                            {"customer_phone": p}) for p in s["phones"]]))
        pages.append(("case action form", [("GET", f"/console/cases/{n}/actions/urge/", None)
                                           for n in s["numbers"]]))
    if role == "supervisor":
        pages.append(("dashboard all units", [("GET", "/console/dashboard/?unit=eng", None)]))
    if role == "admin":
        pages += [("manage " + p, [("GET", f"/console/manage/{p}/", None)])
                  for p in ("units", "users", "packs", "packs/property", "calendar")]
    return pages


def _time(client, requests: list, repeat: int) -> tuple[list[float], int, int, float]:
    from django.db import connection

    def call(i: int) -> tuple[float, int]:
        method, path, data = requests[i % len(requests)]
        t0 = time.perf_counter()
        response = client.post(path, data) if method == "POST" else client.get(path)
        ms = (time.perf_counter() - t0) * 1000
        return ms, response.status_code

    first = call(0)[0]  # cold: pack cache, session, templates
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _ms, status = call(0)
    times = [call(i)[0] for i in range(repeat)]
    return times, len(queries), status, first


def run(repeat: int, roles: list[str]) -> None:
    _django()
    from django.db import connection
    from django.test import Client

    from tousu.cases.models import Case

    users = _users()
    samples = _samples()
    total = Case.objects.count()
    with connection.cursor() as cur:
        cur.execute("select version()")
        version = cur.fetchone()[0].split(",")[0]
    print(f"\nconsole pages, {total:,} cases, {version}, repeat {repeat}, "
          f"load average {os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"{'role':<11} {'page':<22} {'status':>6} {'queries':>7} {'first ms':>8} {'p50 ms':>8}"
          f" {'p95 ms':>8} {'max ms':>8}")
    worst: list[tuple[float, str]] = []
    for role in roles:
        client = Client()
        client.force_login(users[role])
        for name, requests in _pages(role, users[role], samples):
            times, n_queries, status, first = _time(client, requests, repeat)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            flag = "  > target" if p95 > TARGET_MS else ""
            print(f"{role:<11} {name:<22} {status:>6} {n_queries:>7} {first:>8.1f} {p50:>8.1f}"
                  f" {p95:>8.1f} {max(times):>8.1f}{flag}", flush=True)
            worst.append((p95, f"{role} {name}"))
    worst.sort(reverse=True)
    print(f"\nslowest p95: {worst[0][1]} {worst[0][0]:.1f} ms (target {TARGET_MS:.0f} ms); "
          f"pages over target: {sum(1 for p, _n in worst if p > TARGET_MS)} of {len(worst)}; "
          f"load average after {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_load = sub.add_parser("load")
    p_load.add_argument("--cases", type=int, default=100_000)
    p_run = sub.add_parser("run")
    p_run.add_argument("--repeat", type=int, default=15)
    p_run.add_argument("--roles", default=",".join(r for _u, r, _unit in USERS))
    args = parser.parse_args()
    if args.command == "load":
        load(args.cases)
    else:
        run(args.repeat, args.roles.split(","))


if __name__ == "__main__":
    main()
