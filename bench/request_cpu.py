"""CPU per API request of this process (Django) and of its PostgreSQL backend, in-process
(Django test Client, no HTTP): the figures to compare two settings back to back, since CPU time
barely depends on other users' load while latencies do.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tousu_binding_bench \\
        TOUSU_DATA_DIR=bench/out/data-cpu TOUSU_CONN_MAX_AGE=600 \\
        .venv/bin/python bench/request_cpu.py intake 300

Kinds: intake, list, search, detail (any database ``tousu migrate`` and ``bulk_load.py setup``
have prepared; list/search/detail read the cases there). The backend's CPU is read from
/proc/<pid>/stat, so PostgreSQL must run on this machine; the connection must stay the same
throughout (TOUSU_CONN_MAX_AGE longer than the run).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

from proc_cpu import process_cpu

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
os.environ.setdefault("TOUSU_SECRET_KEY", "bench-secret-not-for-prod")

def main() -> None:
    kind, n = sys.argv[1], int(sys.argv[2])
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
    payloads = iter(intake_payloads(n + 20))
    rng = random.Random(1)
    paths = {
        "list": "/api/v1/cases?status=processing&page_size=20",
        "search": f"/api/v1/cases?q={quote(KEYWORD)}&page_size=20",
    }

    def one() -> None:
        if kind == "intake":
            body = json.dumps(next(payloads), ensure_ascii=False)
            answer = client.post("/api/v1/cases", body, content_type="application/json")
        elif kind == "detail":
            answer = client.get(f"/api/v1/cases/{rng.choice(numbers)}")
        else:
            answer = client.get(paths[kind])
        assert answer.status_code in (200, 201), answer.status_code

    def backend() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    for _ in range(10):  # warm: jieba, packs, the connection, psycopg's prepared statements
        one()
    pid = backend()
    pg, cpu, wall = process_cpu(pid), time.process_time(), time.perf_counter()
    for _ in range(n):
        one()
    assert backend() == pid, "the connection was replaced: raise TOUSU_CONN_MAX_AGE"
    pg, cpu = process_cpu(pid) - pg, time.process_time() - cpu
    wall = time.perf_counter() - wall
    binding = connection.features.uses_server_side_binding
    print(
        f"{kind}: server-side binding {'on' if binding else 'off'}; CPU ms per request: "
        f"Django {1000 * cpu / n:.2f}, PostgreSQL {1000 * pg / n:.2f}; "
        f"wall {1000 * wall / n:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
