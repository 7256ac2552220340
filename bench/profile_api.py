"""Where does a request's time go? cProfile of API requests run in-process (Django test Client)
against the database a benchmark run left behind.

    TOUSU_DATA_DIR=bench/out/data-sqlite .venv/bin/python bench/profile_api.py intake 200
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tousu_bench TOUSU_DATA_DIR=bench/out/data-postgres \\
        .venv/bin/python bench/profile_api.py list 200 [--sql] [--cpu]

Kinds: intake, list, list_category, search, detail. Prints the top functions by cumulative
time (PROFILE_SORT=tottime and PROFILE_LINES=60 to change) and, with --sql, the number of
queries per request and the slowest statements. The CPU time per request of this process is
printed too: unlike latencies, it does not grow when other users load the machine.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
os.environ.setdefault("TOUSU_SECRET_KEY", "bench-secret-not-for-prod")


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "list"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    show_sql = "--sql" in sys.argv
    import django

    django.setup()
    from dataset import KEYWORD, intake_payloads
    from django.db import connection
    from django.test import Client

    from tousu.api.auth import issue_token
    from tousu.cases.models import Case
    from tousu.org.models import User

    user = "bench_agent" if kind == "intake" else "bench_supervisor"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(User.objects.get(username=user))}")
    numbers = list(Case.objects.values_list("number", flat=True)[:5000])
    category = (
        Case.objects.filter(status="processing").values_list("category", flat=True).first() or ""
    )
    payloads = iter(intake_payloads(2 * n + 10))
    rng = random.Random(1)

    def one() -> int:
        if kind == "intake":
            return client.post(
                "/api/v1/cases",
                json.dumps(next(payloads), ensure_ascii=False),
                content_type="application/json",
            ).status_code
        path = {
            "list": "/api/v1/cases?status=processing&page_size=20",
            "list_category": f"/api/v1/cases?status=processing&category={category}&page_size=20",
            "search": f"/api/v1/cases?q={quote(KEYWORD)}&page_size=20",
            "detail": f"/api/v1/cases/{rng.choice(numbers)}",
        }[kind]
        return client.get(path).status_code

    for _ in range(5):  # warm: jieba, pack parsing, connections
        one()
    captured: list[tuple[float, str]] = []

    def record(execute, sql, params, many, context):  # noqa: ANN001 - Django's wrapper protocol
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((time.perf_counter() - t, sql))

    with connection.execute_wrapper(record):
        status = one()
    plain = []
    cpu = time.process_time()
    for _ in range(n):  # unprofiled: the request's service time without HTTP and the server
        t = time.perf_counter()
        one()
        plain.append(time.perf_counter() - t)
    cpu = (time.process_time() - cpu) / n  # this process's CPU: other users' load aside
    plain.sort()
    timed = []
    # --cpu: profile this process's CPU time, so that waiting for the database (and for a
    # machine other users load) does not count
    profile = cProfile.Profile(time.process_time) if "--cpu" in sys.argv else cProfile.Profile()
    for _ in range(n):
        t = time.perf_counter()
        profile.enable()
        one()
        profile.disable()
        timed.append(time.perf_counter() - t)
    timed.sort()
    print(
        f"{kind}: status {status}, {len(captured)} queries per request "
        f"({1000 * sum(t for t, _ in captured):.1f} ms in the database driver); "
        f"in-process p50 {1000 * plain[len(plain) // 2]:.1f} ms, mean "
        f"{1000 * sum(plain) / len(plain):.1f} ms ({1000 * timed[len(timed) // 2]:.1f} ms profiled); "
        f"CPU {1000 * cpu:.2f} ms per request in this process"
    )
    if show_sql:
        for took, sql in sorted(captured, key=lambda q: -q[0])[:15]:
            print(f"  {took * 1000:7.2f} ms  {sql[:500]}")
    pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        int(os.environ.get("PROFILE_LINES", "45"))
    )


if __name__ == "__main__":
    main()
