"""``tousu report``: the monthly analysis (or the regulator's quarterly table) as xlsx, PDF or
JSON.

    tousu report --period 2026-10 --format xlsx [--pack property] [--output FILE]
    tousu report --period 2026-Q3 --regulator --pack telecom --format xlsx

Without ``--output`` the file is written to ``report-PERIOD[-PACK].EXT`` in the current folder
(JSON goes to standard output). A bad or future period is refused with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

FORMATS = ("xlsx", "pdf", "json")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` command to the ``tousu`` parser's subcommands."""
    text = "write the statistics report of a period (xlsx, pdf or json)"
    parser: argparse.ArgumentParser = subparsers.add_parser("report", help=text, description=text)
    parser.add_argument(
        "--period", help="2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-15 (default: last month)"
    )
    parser.add_argument("--format", choices=FORMATS, default="xlsx")
    parser.add_argument("--pack", default="", help="only the cases of this pack")
    parser.add_argument("--output", "-o", help="file to write ('-' for standard output)")
    parser.add_argument(
        "--regulator",
        action="store_true",
        help="the regulator-style quarterly table instead of the analysis",
    )
    parser.set_defaults(handler=cmd_report)
    return parser


def _default_name(args: argparse.Namespace, period_code: str) -> str:
    kind = "regulator" if args.regulator else "report"
    pack = f"-{args.pack}" if args.pack else ""
    return f"{kind}-{period_code.replace('..', '_')}{pack}.{args.format}"


def render(args: argparse.Namespace, now: Any) -> tuple[bytes, str, int]:
    """(file bytes, period code, number of cases) for the parsed arguments."""
    from tousu.reports import export_pdf, export_xlsx, regulator, report
    from tousu.reports.periods import last_month, parse_period
    from tousu.reports.stats import make_scope

    period = parse_period(args.period, now) if args.period else last_month(now)
    scope = make_scope(now, pack=args.pack)
    if args.regulator:
        if args.format == "pdf":
            raise ValueError("the regulator table is written as xlsx or json")
        data = regulator.build(scope, period)
        count = sum(t["total"]["count"] for t in data["tables"])
        if args.format == "json":
            return _json(data), period.code, count
        return _xlsx(regulator.write, data), period.code, count
    data = report.build(scope, period)
    count = data["totals"]["count"]
    if args.format == "json":
        return _json(data), period.code, count
    if args.format == "pdf":
        return export_pdf.render(data), period.code, count
    return _xlsx(export_xlsx.write, data), period.code, count


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _xlsx(writer: Any, data: dict[str, Any]) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    writer(data, buffer)
    return buffer.getvalue()


def cmd_report(args: argparse.Namespace) -> int:
    from tousu.cli import CommandError, _django

    _django()
    from django.utils import timezone

    from tousu.rules.errors import RuleError

    try:
        content, period_code, count = render(args, timezone.now())
    except (RuleError, ValueError) as exc:
        raise CommandError(getattr(exc, "message", str(exc))) from None
    target = args.output or ("-" if args.format == "json" else _default_name(args, period_code))
    if target == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    Path(target).write_bytes(content)
    note = "" if count else " (no cases in this period: the report says so)"
    print(f"wrote {target}: {len(content):,} bytes, {count} cases{note}")
    return 0


__all__ = ["FORMATS", "cmd_report", "register", "render"]
