"""API benchmark of tousu: intake over HTTP, then reads at 100k cases, on PostgreSQL and SQLite.

    .venv/bin/python bench/run_api_bench.py --db both [--intake 5000] [--bulk 100000]
                                           [--requests 300] [--concurrency 8] [--read-concurrency 1]

For each database: a fresh database (PostgreSQL: drop + create ``--pg-db``, default
``tousu_bench``; SQLite: a fresh data folder), ``tousu migrate``, packs + a small org + API users (bench/bulk_load.py setup),
``tousu serve --workers 2`` on a free loopback port, then
  (a) POST /api/v1/cases ``--intake`` times from ``--concurrency`` client threads,
  (b) bulk-load ``--bulk`` cases straight into the tables, then ``--requests`` requests each of
      the filtered list, the list with a category, the keyword search and the case detail.
Prints a table and writes bench/out/api-bench-<time>.json. Not a test: it asserts nothing.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dataset import KEYWORD, intake_payloads  # noqa: E402
from http_load import Client, Sampler, postgres_backends, run_load  # noqa: E402

ROOT = HERE.parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
PG_ADMIN = ["-h", "127.0.0.1", "-U", "postgres"]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_PG_DB = "tousu_bench"
# PostgreSQL targets on this 2-core machine: (field, limit, higher is better)
TARGETS = {
    "intake": [("per_s", 300, True), ("p95_ms", 50, False)],
    "list": [("p95_ms", 30, False)],
    "list_category": [("p95_ms", 30, False)],
    "list_agent": [("p95_ms", 30, False)],
    "search": [("p95_ms", 80, False)],
    "detail": [("p95_ms", 20, False)],
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sh(cmd: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc


def last_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_env(db: str, args: argparse.Namespace) -> dict:
    """The server's environment; unless --reads-only, with a fresh database and data folder."""
    data = OUT / data_folder(db, args)
    if not args.reads_only:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
    env = {
        **os.environ,
        "TOUSU_DATA_DIR": str(data),
        "TOUSU_SECRET_KEY": "bench-secret-not-for-prod",
        "TOUSU_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "tousu.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    if db == "postgres" and not args.reads_only:
        sh(["dropdb", *PG_ADMIN, "--if-exists", "--force", args.pg_db], env)
        sh(["createdb", *PG_ADMIN, args.pg_db], env)
        for setting in args.pg_set:  # experiments, e.g. synchronous_commit=off
            name, value = setting.split("=", 1)
            sql = f"ALTER DATABASE {args.pg_db} SET {name} = '{value}'"
            sh(["psql", *PG_ADMIN, "-c", sql, args.pg_db], env)
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{args.pg_db}"
    return env


def data_folder(db: str, args: argparse.Namespace) -> str:
    """bench/out/data-postgres for the default database, data-postgres-NAME for another
    (its data folder is emptied at each run: runs on different databases keep theirs)."""
    if db == "postgres" and args.pg_db != DEFAULT_PG_DB:
        return f"data-postgres-{args.pg_db}"
    return f"data-{db}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    env: dict, port: int, workers: int, logfile: Path, threads: int | None = None
) -> subprocess.Popen:
    cmd = [str(BIN / "tousu"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    out = logfile.open("w")
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"tousu serve exited with {proc.returncode}; see {logfile}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"tousu serve did not listen on {port} within 60 s; see {logfile}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # our own session: granian's main process + workers
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def token(port: int, username: str, password: str) -> str:
    status, body = Client(port).json(
        "POST", "/api/v1/auth/token", {"username": username, "password": password}
    )
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        raise SystemExit(f"POST /api/v1/auth/token for {username}: {status} {body}")
    return body["token"]


def count_of(port: int, tok: str, path: str) -> object:
    """The total a list answers with (count/total), to show the filter matched something."""
    status, body = Client(port, tok).json("GET", path)
    if status != 200:
        return f"HTTP {status}: {str(body)[:200]}"
    if isinstance(body, dict):
        for key in ("count", "total", "total_count"):
            if key in body:
                return body[key]
        items = body.get("items") or body.get("results") or []
        return f"{len(items)} on page"
    return f"{len(body)} on page" if isinstance(body, list) else "?"


def wait_quiet(limit: float, max_wait: float = 1800) -> None:
    """Other users' work on this machine spoils the figures: wait for a low load average."""
    start = time.time()
    while os.getloadavg()[0] > limit and time.time() - start < max_wait:
        log(f"load average {os.getloadavg()[0]:.2f} > {limit}: waiting")
        time.sleep(30)


def bench_db(db: str, args: argparse.Namespace) -> dict:
    if args.quiet_load:
        wait_quiet(args.quiet_load)
    log(f"=== {db}: database and setup (load average {os.getloadavg()[0]:.2f})")
    env = bench_env(db, args)
    if not args.reads_only:
        sh([str(BIN / "tousu"), "migrate"], env)
    setup = last_json(
        sh(
            [sys.executable, str(HERE / "bulk_load.py"), "info" if args.reads_only else "setup"],
            env,
        )
    )
    port = free_port()
    logfile = OUT / f"server-{data_folder(db, args).removeprefix('data-')}.log"
    server = start_server(env, port, args.workers, logfile, args.threads)
    sampler = Sampler(server.pid, postgres_backends(args.pg_db) if db == "postgres" else None)
    sampler.start()
    result: dict = {"db": db, "workers": args.workers, "packs": setup["packs"]}
    try:
        agent = token(port, "bench_agent", setup["password"])
        supervisor = token(port, "bench_supervisor", setup["password"])
        sampler.begin()
        result["idle_rss_mb"] = round(sampler.peak / 2**20, 1)
        if args.reads_only:  # the data a previous run left
            run_load(port, agent, [("GET", "/api/v1/cases", None)] * 8, 2)  # workers up
            result["reads"] = reads(
                port,
                supervisor,
                agent,
                setup["sample_numbers"],
                setup["busy_category"],
                sampler,
                args,
            )
            result["total_cases"] = setup["total_cases"]
            return result

        payloads = [
            json.dumps(p, ensure_ascii=False).encode()
            for p in intake_payloads(args.intake + args.warmup)
        ]
        post = [("POST", "/api/v1/cases", body) for body in payloads]
        log(f"{db}: warm-up, {args.warmup} intakes (first requests load jieba etc.)")
        warm = run_load(port, agent, post[: args.warmup], args.concurrency)
        result["warmup"] = warm.summary()
        log(f"{db}: (a) intake of {args.intake} cases, {args.concurrency} client threads")
        phase = sampler.begin()
        run = run_load(port, agent, post[args.warmup :], args.concurrency)
        result["intake"] = {**run.summary(), **sampler.end(phase)}
        result["processes_after_intake"] = sampler.breakdown()
        srv, pg, other, client = per_request(result["intake"], db)
        log(
            f"{db}: intake {result['intake']['per_s']}/s p95 {result['intake']['p95_ms']} ms; "
            f"CPU ms per intake: server {srv}, PostgreSQL {pg}, client {client}; others {other} %"
        )
        if args.intake_only:
            result["reads"] = {}
            return result

        log(f"{db}: (b) bulk-loading {args.bulk} cases")
        load = last_json(
            sh([sys.executable, str(HERE / "bulk_load.py"), "load", str(args.bulk)], env)
        )
        numbers = load.pop("sample_numbers")
        result["bulk"] = load
        log(
            f"{db}: bulk load {load['seconds']} s ({load['rows_per_s']} rows/s), "
            f"{load['total_cases']} cases"
        )
        result["reads"] = reads(
            port, supervisor, agent, numbers, load["busy_category"], sampler, args
        )
        result["db_size_mb"] = db_size(db, env, args.pg_db)
    finally:
        result["peak_rss_mb_overall"] = round(sampler.peak / 2**20, 1)
        sampler.stop()
        stop_server(server)
    return result


def reads(
    port: int,
    supervisor: str,
    agent: str,
    numbers: list[str],
    category: str,
    sampler: Sampler,
    args: argparse.Namespace,
) -> dict:
    rng = random.Random(5)
    kinds = {
        "list": (supervisor, lambda: "/api/v1/cases?status=processing&page_size=20"),
        "list_category": (
            supervisor,
            lambda: f"/api/v1/cases?status=processing&category={category}&page_size=20",
        ),
        "list_agent": (agent, lambda: "/api/v1/cases?status=processing&page_size=20"),
        "search": (supervisor, lambda: f"/api/v1/cases?q={quote(KEYWORD)}&page_size=20"),
        "detail": (supervisor, lambda: f"/api/v1/cases/{rng.choice(numbers)}"),
    }
    out = {}
    for name, (tok, path) in kinds.items():
        run_load(port, tok, [("GET", path(), None) for _ in range(20)], args.read_concurrency)
        phase = sampler.begin()
        run = run_load(
            port, tok, [("GET", path(), None) for _ in range(args.requests)], args.read_concurrency
        )
        out[name] = {**run.summary(), **sampler.end(phase), "path": path()}
        if name != "detail":
            out[name]["matches"] = count_of(port, tok, path())
        log(
            f"  {name}: p50 {out[name]['p50_ms']} p95 {out[name]['p95_ms']} ms "
            f"({out[name]['ok']}/{out[name]['requests']} ok, matches {out[name].get('matches', '-')})"
        )
    return out


def db_size(db: str, env: dict, name: str) -> float:
    if db == "postgres":
        proc = sh(["psql", *PG_ADMIN, "-tAc", f"select pg_database_size('{name}')", name], env)
        return round(int(proc.stdout.strip()) / 2**20, 1)
    return round(
        sum(f.stat().st_size for f in Path(env["TOUSU_DATA_DIR"]).glob("tousu.sqlite3*")) / 2**20, 1
    )


def verdict(kind: str, row: dict, db: str) -> str:
    checks = []
    for key, limit, higher in TARGETS.get(kind, []):
        ok = row[key] >= limit if higher else row[key] <= limit
        checks.append(
            f"{'≥' if higher else '≤'}{limit}{' /s' if key == 'per_s' else ' ms'} "
            f"{'ok' if ok else 'MISS'}"
        )
    return ", ".join(checks)


def per_request(row: dict, db: str) -> tuple[float, float | str, float, float]:
    """Server, PostgreSQL and client (this load generator) CPU milliseconds per request, and
    the share of the machine's CPU that other processes took meanwhile (a high share spoils
    the latencies)."""
    n = max(row["requests"], 1)
    cpus = os.cpu_count() or 1
    foreign = row["cpu_other_s"] + (row["cpu_postgres_s"] if db != "postgres" else 0)
    other = 100 * foreign / (row["seconds"] * cpus) if row["seconds"] else 0
    return (
        round(1000 * row["cpu_server_s"] / n, 1),
        round(1000 * row["cpu_postgres_s"] / n, 1) if db == "postgres" else "-",
        round(other),
        round(1000 * row["cpu_client_s"] / n, 1),
    )


def table(results: list[dict]) -> str:
    head = (
        f"{'db':<9} {'measure':<14} {'n':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'srv-cpu':>7} {'pg-cpu':>6} {'cl-cpu':>6} {'others':>6} {'peak RSS':>9}  target (PostgreSQL)"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        rows = ([("intake", r["intake"])] if "intake" in r else []) + list(r["reads"].items())
        for kind, row in rows:
            srv, pg, other, client = per_request(row, r["db"])
            lines.append(
                f"{r['db']:<9} {kind:<14} {row['ok']:>5} {row['per_s']:>6} {row['p50_ms']:>6} "
                f"{row['p95_ms']:>6} {row['p99_ms']:>6} {srv:>7} {pg:>6} {client:>6} {other:>5}% "
                f"{row['peak_rss_mb']:>7}MB  {verdict(kind, row, r['db'])}"
            )
        b = r.get("bulk")
        if "intake" in r and not b:
            continue
        if not b:
            lines.append(f"{r['db']:<9} reads only, on {r['total_cases']} cases")
            continue
        lines.append(
            f"{r['db']:<9} bulk load: {b['rows']} cases in {b['seconds']} s "
            f"({b['rows_per_s']}/s); {b['total_cases']} cases, db {r['db_size_mb']} MB; "
            f"first-requests max {r['warmup']['max_ms']} ms"
        )
    lines.append(
        "latencies in ms; srv-cpu / pg-cpu / cl-cpu: CPU ms per request of the server "
        "(granian main process + workers), of its PostgreSQL backends and of this load generator; others: share "
        "of all CPUs used by other processes meanwhile"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--pg-db",
        default=DEFAULT_PG_DB,
        help="PostgreSQL database to drop, create and fill (keep others' databases: use your own)",
    )
    parser.add_argument("--intake", type=int, default=5000)
    parser.add_argument("--bulk", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="client threads (kept-alive connections) for intake: 4 per worker",
    )
    parser.add_argument(
        "--read-concurrency",
        type=int,
        default=1,
        help="client threads for reads (the targets are latencies: one request at a time)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, help="threads per worker (tousu serve's default)")
    parser.add_argument("--warmup", type=int, default=16)
    parser.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="experiment: a PostgreSQL setting for the bench database (repeatable)",
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="only the read measurements, on the data a previous run left in the database",
    )
    parser.add_argument(
        "--intake-only", action="store_true", help="only the intake: no bulk load, no reads"
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0,
        help="before each database, wait (≤30 min) for a 1-min load average below this",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    dbs = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    machine = {
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "python": sys.version.split()[0],
        "host": socket.gethostname(),
    }
    results = [bench_db(db, args) for db in dbs]
    machine["loadavg_end"] = os.getloadavg()
    report = {"started": started, "args": vars(args), "machine": machine, "results": results}
    path = OUT / f"api-bench-{started.replace(':', '')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print()
    print(table(results))
    print("\nCPU seconds during each phase (server / client / postgres / other processes):")
    for r in results:
        for kind, row in ([("intake", r["intake"])] if "intake" in r else []) + list(
            r["reads"].items()
        ):
            print(
                f"  {r['db']:<9} {kind:<14} {row['cpu_server_s']:>6} {row['cpu_client_s']:>6} "
                f"{row['cpu_postgres_s']:>6} {row['cpu_other_s']:>6}   idle {row['cpu_idle_pct']}%, "
                f"stolen by the hypervisor {row.get('cpu_steal_pct', 0)}%"
            )
    print(f"\nload average {machine['loadavg_start']} -> {machine['loadavg_end']}; JSON: {path}")


if __name__ == "__main__":
    main()
