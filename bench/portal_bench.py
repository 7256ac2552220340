"""Customer portal and public API benchmark, on PostgreSQL, through Django's full request path.

    flock /tmp/tousu-bench.lock .venv/bin/python bench/portal_bench.py [--n 300]

Uses its own database ``tousu_portal_bench`` on $BENCH_PG (default
postgresql://postgres@127.0.0.1:5432), dropped and created again on every run, and a
temporary data folder (attachments). Requests go through Django's test client (middleware,
sessions, CSRF-exempt client, templates; no network). The rate limits are raised out of the
way. Prints, for each step, the count, the wall time, the rate and the median / 95th
percentile time of one request:

1. ``POST /api/v1/public/cases`` (multipart, no file);
2. the same with one 200 KB PNG attachment (checked and written to the data folder);
3. ``GET /api/v1/public/cases/{number}?phone=…`` (the customer view);
4. the portal form ``POST /portal/submit/property/`` (renders the confirmation page);
5. the portal case page ``GET /portal/case/{number}/`` (session proof, timeline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import bench_db
from bench_db import fresh_database, use_database

BENCH_DB = "tousu_portal_bench"
use_database(BENCH_DB)
os.environ.setdefault("TOUSU_DATA_DIR", tempfile.mkdtemp(prefix="tousu-portal-bench-"))
for name in ("SUBMIT_PER_ADDRESS", "SUBMIT_PER_PHONE", "LOOKUP_PER_ADDRESS"):
    os.environ[f"TOUSU_PUBLIC_{name}"] = "1000000/h"

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(200 * 1024)


def setup_django() -> None:
    bench_db.setup_django()
    from tousu.org.models import Unit

    Unit.objects.create(code="hq", name="客服中心", kind="centre")


def form(i: int) -> dict[str, str]:
    return {
        "pack": "property",
        "request_type": "complaint",
        "category": "equipment_water",
        "description": f"第{i}号楼楼道天花板渗水，墙皮脱落",
        "location": f"幸福小区{i % 40}栋",
        "demand": "尽快维修",
        "name": "业主",
        "phone": f"139{i:08d}",
    }


def measure(label: str, n: int, one) -> list:  # noqa: ANN001
    results, times = [], []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        results.append(one(i))
        times.append((time.perf_counter() - t0) * 1000)
    wall = time.perf_counter() - started
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{label:<44} {n:>5}  {wall:7.2f} s  {n / wall:7.1f}/s  "
        f"median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms"
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="requests per step")
    args = parser.parse_args()
    fresh_database(BENCH_DB)
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    api = Client()

    def submit(i: int) -> str:
        response = api.post("/api/v1/public/cases", form(i))
        assert response.status_code == 201, response.content
        return response.json()["number"]

    def submit_file(i: int) -> str:
        photo = SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png")
        response = api.post("/api/v1/public/cases", {**form(i), "attachments": [photo]})
        assert response.status_code == 201, response.content
        return response.json()["number"]

    print(f"tousu portal benchmark — PostgreSQL {BENCH_DB}, {args.n} requests per step")
    numbers = measure("POST /api/v1/public/cases", args.n, submit)
    measure("POST /api/v1/public/cases + 200 KB PNG", args.n, submit_file)

    def track(i: int) -> None:
        number = numbers[i % len(numbers)]
        response = api.get(f"/api/v1/public/cases/{number}", {"phone": f"139{i:08d}"})
        assert response.status_code == 200, response.content

    measure("GET /api/v1/public/cases/{number}?phone=", args.n, track)
    portal = Client()

    def portal_submit(i: int) -> None:
        body = {k: v for k, v in form(i).items() if k != "pack"}
        response = portal.post("/portal/submit/property/", body)
        assert response.status_code == 201, response.content[:500]

    measure("POST /portal/submit/property/", args.n, portal_submit)
    own = sorted(portal.session["portal_access"])

    def portal_page(i: int) -> None:
        response = portal.get(f"/portal/case/{own[i % len(own)]}/")
        assert response.status_code == 200

    measure("GET /portal/case/{number}/", args.n, portal_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
