"""Office hours per unit: what choosing a work order's calendar costs (no database).

    flock /tmp/tousu-bench.lock .venv/bin/python bench/office_hours_bench.py [--calls 200000]

Times, per call, the calendar choice the clocks and the sweep make for every work order
(``clocks.calendar_for`` and ``sweep_state.Batch.calendar_for``) for a unit without office
hours, a pack with its own, and a unit with its own, and a ``4wh`` deadline on each calendar.
The calendars are cached per set of office hours, so the choice should cost well under a
microsecond and the deadline the same whatever the hours.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

START = datetime(2026, 11, 2, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def per_call(label: str, calls: int, fn) -> None:  # noqa: ANN001 - any no-argument callable
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<62} {elapsed / calls * 1e9:>9.0f} ns/call")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200_000)
    calls = parser.parse_args().calls
    import django

    django.setup()
    from tousu.cases import clocks
    from tousu.cases.models import WorkOrder
    from tousu.cases.sweep_state import Batch
    from tousu.clocks import store
    from tousu.org.models import Unit
    from tousu.packs.loader import DATA_DIR, load_pack_text
    from tousu.rules.calendar import BusinessCalendar
    from tousu.rules.durations import Duration

    store._cached = (float("inf"), BusinessCalendar(), {})  # no database: no stored overrides
    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    plain = load_pack_text(text, "property.yaml")
    margin = "  warning_margin: 2h\n"
    own = load_pack_text(text.replace(margin, f'{margin}  office_hours: ["09:00-18:00"]\n'), "p")
    bare, timed = Unit(code="a"), Unit(code="b", office_hours="08:00-12:00, 14:00-18:00")
    batch = Batch(now=START, horizon=START, progressed=set(), calendar=store.current())
    cases = [("unit without hours, pack without", plain, bare),
             ("unit without hours, pack with its own", own, bare),
             ("unit with its own hours", plain, timed)]  # fmt: skip
    limit = Duration.parse("4wh")
    print(f"{calls:,} calls each\n")
    for label, pack, unit in cases:
        order = WorkOrder(unit=unit)
        per_call(
            f"clocks.calendar_for: {label}", calls, lambda p=pack, u=unit: clocks.calendar_for(p, u)
        )
        per_call(
            f"Batch.calendar_for: {label}", calls, lambda p=pack, o=order: batch.calendar_for(p, o)
        )
        calendar = clocks.calendar_for(pack, unit)
        per_call(f"4wh deadline: {label}", calls // 10, lambda c=calendar: c.add(START, limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
