"""Incident benchmark: 1,000 identical complaints from different customers, on PostgreSQL.

    flock /tmp/tousu-bench.lock timeout 1200 .venv/bin/python bench/incident_bench.py [--rows 1000]

An outage brings hundreds of complaints about one matter in minutes (SPEC §12: 1,000 new
cases a minute at peak); every one joins the same incident. Uses its own database
``tousu_incident_bench`` on $BENCH_PG (default postgresql://postgres@127.0.0.1:5432), dropped
and created again on every run. Prints, for each run, the wall time, the rate, and the rate of
each tenth of the rows (flat when a join costs the same at the 10th and the 1,000th member):

1. ``tousu import`` of a transfer file of ``--rows`` identical rows (telecom, one place);
2. the intake service (``intake_case``, one transaction per case) for ``--rows`` identical
   complaints about another place.

After each run: the incident's size and how many upgrade events its members got (telecom:
5 complainants on one matter → 批量投诉, each earlier member raised once).

Figures of 2026-12-05 (2 shared cores, load average 3–4, PostgreSQL 15), commit 7318bf1:

    tousu import, 1000 identical rows       33.64 s       30 /s   (exit 0)
    intake service, 1000 identical cases    32.62 s       31 /s
      rows/s by tenth: 30 33 33 30 30 30 30 30 32 30

Afternoon of 2026-12-05 (another, slower machine, load average 0.9), commit 7c0c451:
same-matter search before the case number under a lock per pack and category, candidates
narrowed by place in SQL (here all 1,000 share the place, so all up to 500 come back):

    tousu import, 1000 identical rows       31.20 s       32 /s   (exit 0)
    intake service, 1000 identical cases    25.00 s       40 /s
      rows/s by tenth: 49 50 44 42 37 42 42 33 35 33
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_db import SERVER, fresh_database, setup_django, use_database

BENCH_DB = "tousu_incident_bench"
use_database(BENCH_DB)
os.environ.setdefault("TOUSU_DATA_DIR", tempfile.mkdtemp(prefix="tousu-incident-bench-"))

CATEGORY = "network_weak_signal"
TEXT = "从今天上午开始手机完全没有信号，打不出电话也上不了网，请尽快抢修"


def write_transfer_file(path: Path, rows: int, place: str) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["来文编号", "来文单位", "行业包", "类别", "办理时限", "转办时间", "客户姓名",
                  "联系电话", "发生地点", "投诉内容"])  # fmt: skip
    for i in range(rows):
        sheet.append([f"京信管〔2026〕{i:05d}号", "市通信管理局", "telecom", CATEGORY,
                      "2026-12-30", "2026-12-05 09:00", f"用户{i}", f"137{i:08d}", place,
                      f"{place}{TEXT}"])  # fmt: skip
    book.save(path)


def tenths(started: float, stamps: list[float]) -> str:
    """Rows per second of each tenth of the run (from the time each row finished)."""
    step = max(len(stamps) // 10, 1)
    rates, previous = [], started
    for mark in stamps[step - 1 :: step]:
        rates.append(step / max(mark - previous, 1e-9))
        previous = mark
    return " ".join(f"{r:.0f}" for r in rates)


def summary(place: str) -> str:
    from tousu.cases.models import Case, Event, Incident

    incident = Incident.objects.get(key=f"{CATEGORY}:{place}")
    raised = Event.objects.filter(case__incident=incident, kind__endswith="_raised")
    joined = Event.objects.filter(case__incident=incident, kind="case.incident_joined")
    cases = Case.objects.filter(incident=incident).count()
    by_rule = Counter(
        f"{kind.removeprefix('case.')} by {rule} at {trigger}"
        for kind, rule, trigger in raised.values_list("kind", "data__rule", "data__trigger")
    )
    upgrades = "; ".join(f"{n} {what}" for what, n in sorted(by_rule.items()))
    return (
        f"incident size {incident.size}, {cases} cases, {joined.count()} join events\n"
        f"  upgrade events: {upgrades}"
    )


def run_import(rows: int, work: Path) -> None:
    from tousu.cli import main as tousu

    place = "朝阳区望京街道"
    xlsx = work / "outage.xlsx"
    write_transfer_file(xlsx, rows, place)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = tousu(["import", str(xlsx)])
    seconds = time.perf_counter() - started
    print(f"tousu import, {rows} identical rows    {seconds:8.2f} s  {rows / seconds:7.0f} /s"
          f"   (exit {code})")  # fmt: skip
    print(f"  {summary(place)}")


def run_intake(rows: int) -> None:
    from tousu.cases.services import SYSTEM, CustomerData, IntakeData, intake_case

    place = "海淀区中关村街道"
    stamps: list[float] = []
    started = time.perf_counter()
    for i in range(rows):
        data = IntakeData(pack="telecom", channel="phone", request_type="complaint",
                          category=CATEGORY, location=place, description=f"{place}{TEXT}",
                          customer=CustomerData(name=f"用户{i}", phone=f"138{i:08d}"))  # fmt: skip
        intake_case(actor=SYSTEM, data=data)
        stamps.append(time.perf_counter())
    seconds = stamps[-1] - started
    print(f"intake service, {rows} identical cases {seconds:8.2f} s  {rows / seconds:7.0f} /s")
    print(f"  rows/s by tenth: {tenths(started, stamps)}")
    print(f"  {summary(place)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    fresh_database(BENCH_DB)
    setup_django()
    print(f"PostgreSQL {SERVER}/{BENCH_DB}; {args.rows} rows; load {os.getloadavg()[0]:.1f}")
    run_import(args.rows, Path(tempfile.mkdtemp(prefix="tousu-incident-bench-files-")))
    run_intake(args.rows)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
