"""``tousu sweep``, ``tousu worker`` and ``tousu calendar import`` (SPEC §10).

``register(subparsers)`` adds the three commands to the ``tousu`` parser (``tousu.cli``).
A calendar file has one ``date,kind[,name]`` line per date (``parse_overrides`` in
``tousu.rules.calendar``): ``2027-01-01,off,元旦``; kind ``off`` or ``work``.
Handlers return the exit code: 0 done, 2 bad input (an unreadable time or file, a bad line
in a calendar file, a sweep time before a case existed).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_USAGE = 2
MAX_LINES = 50  # actions printed one by one; the rest are counted


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    import django

    django.setup()


def _fail(command: str, message: str) -> int:
    print(f"tousu {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def parse_now(text: str) -> datetime:
    """An ISO time; without an offset it is read in the configured zone (Asia/Shanghai)."""
    from django.utils import timezone

    moment = datetime.fromisoformat(text.strip())
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- sweep ----------------------------------------------------------------------------------


def cmd_sweep(args: argparse.Namespace) -> int:
    _django()
    from django.utils import timezone

    from tousu.cases.sweep import run_sweep

    try:
        now = parse_now(args.now) if args.now else timezone.now()
    except ValueError:
        return _fail("sweep", f"--now {args.now!r} is not an ISO time (e.g. 2026-11-02T09:00)")
    report = run_sweep(now)
    _print_report(report)
    for reason in report.refused:
        print(f"tousu sweep: refused: {reason}", file=sys.stderr)
    return EXIT_USAGE if report.refused else 0


def _print_report(report: Any) -> None:
    from django.utils import timezone

    moment = timezone.localtime(report.now).isoformat(timespec="seconds")
    print(f"sweep as of {moment}: {report.summary()}")
    for line in report.lines[:MAX_LINES]:
        print(f"  {line}")
    if len(report.lines) > MAX_LINES:
        print(f"  … and {len(report.lines) - MAX_LINES} more")


# --- worker ---------------------------------------------------------------------------------


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings

    from tousu import jobs

    if not settings.BROKER_URL:
        return _fail(
            "worker",
            "no broker configured: set TOUSU_BROKER_URL or REDIS_URL (redis://… or amqp://…); "
            "without one, 'tousu demo' runs the sweep in-process",
        )
    jobs.app.worker_main(jobs.worker_argv(args.concurrency, beat=not args.no_beat))
    return 0


# --- calendar import ------------------------------------------------------------------------


def cmd_calendar_import(args: argparse.Namespace) -> int:
    _django()
    from tousu.clocks.store import import_overrides
    from tousu.rules.calendar import OverrideFileError

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _fail("calendar import", f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail("calendar import", f"{path}: cannot read as UTF-8 text ({exc})")
    try:
        result = import_overrides(text, str(path))
    except OverrideFileError as exc:
        print(f"tousu calendar import: {exc}", file=sys.stderr)
        print("tousu calendar import: nothing was stored", file=sys.stderr)
        return EXIT_USAGE
    print(f"{path}: {result.total} date(s) stored ({result.created} new, {result.updated} updated)")
    return 0


# --- registration ---------------------------------------------------------------------------


def register(sub: Any) -> None:
    """Add ``sweep``, ``worker`` and ``calendar`` to the ``tousu`` sub-command parsers."""
    sweep = sub.add_parser("sweep", help="run one SLA sweep and print what it did")
    sweep.add_argument(
        "--now", help="sweep as of this ISO time (default: now), e.g. 2026-11-02T09:00"
    )
    sweep.set_defaults(handler=cmd_sweep)

    worker = sub.add_parser("worker", help="run a Celery worker with the beat scheduler")
    worker.add_argument("--concurrency", type=int, default=None, help="worker processes")
    worker.add_argument("--no-beat", action="store_true", help="no scheduler in this worker")
    worker.set_defaults(handler=cmd_worker)

    calendar = sub.add_parser("calendar", help="working-day calendar overrides")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", metavar="ACTION")
    load = calendar_sub.add_parser(
        "import",
        help="store holidays and make-up working days from a file",
        description="A UTF-8 CSV file, one line per date: date,kind[,name] with the date as "
        "YYYY-MM-DD and kind 'off' (a day off) or 'work' (a working day, e.g. 调休); an optional "
        "header line 'date,kind,name', blank lines and '#' comments are skipped. A bad line "
        "is reported as FILE:LINE and nothing is stored.",
    )
    load.add_argument("file", help="e.g. 2027.csv with lines like 2027-01-01,off,元旦")
    load.set_defaults(handler=cmd_calendar_import)

    def calendar_usage(args: argparse.Namespace) -> int:
        calendar.print_usage(sys.stderr)
        return _fail("calendar", "name an action: 'tousu calendar import FILE'")

    calendar.set_defaults(handler=calendar_usage)
