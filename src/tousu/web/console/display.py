"""How the console shows time limits and severities: "剩余 3 小时" / "已超时 2 天" with a tone
(ok, near, late), and a severity's tone from its place on the pack's ladder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A clock this close to its deadline is shown as "near" (amber) before it breaks.
NEAR_BREACH = timedelta(hours=4)


@dataclass(frozen=True)
class Clock:
    text: str
    tone: str  # ok | near | late | none


def _amount(seconds: float) -> tuple[int, str]:
    if seconds < 3600:
        return max(1, ceil(seconds / 60)), "minutes"
    if seconds < 48 * 3600:
        return int(seconds // 3600), "hours"
    return int(seconds // 86400), "days"


def _left(n: int, unit: str) -> str:
    if unit == "minutes":
        return ngettext("剩余 %(n)d 分钟", "剩余 %(n)d 分钟", n) % {"n": n}
    if unit == "hours":
        return ngettext("剩余 %(n)d 小时", "剩余 %(n)d 小时", n) % {"n": n}
    return ngettext("剩余 %(n)d 天", "剩余 %(n)d 天", n) % {"n": n}


def _late(n: int, unit: str) -> str:
    if unit == "minutes":
        return ngettext("已超时 %(n)d 分钟", "已超时 %(n)d 分钟", n) % {"n": n}
    if unit == "hours":
        return ngettext("已超时 %(n)d 小时", "已超时 %(n)d 小时", n) % {"n": n}
    return ngettext("已超时 %(n)d 天", "已超时 %(n)d 天", n) % {"n": n}


def clock_of(due: datetime | None, now: datetime, overdue: bool = False) -> Clock:
    """"剩余 3 小时" / "已超时 2 天" for a deadline; tone ``near`` within ``NEAR_BREACH``.
    A case already marked overdue (an earlier clock broke) says so before its next deadline."""
    if due is None:
        return Clock(_("已超时") if overdue else "", "late" if overdue else "none")
    delta = (due - now).total_seconds()
    if delta < 0:
        return Clock(_late(*_amount(-delta)), "late")
    left = _left(*_amount(delta))
    if overdue:
        return Clock(_("已超时 · %(left)s") % {"left": left}, "late")
    return Clock(left, "near" if delta <= NEAR_BREACH.total_seconds() else "ok")


def severity_tone(rank: int, ranks: list[int]) -> str:
    """low / mid / high / top by the place of ``rank`` on the pack's ladder."""
    ladder = sorted(set(ranks))
    if not ladder or rank not in ladder:
        return "low"
    place = ladder.index(rank)
    if place == len(ladder) - 1 and len(ladder) > 1:
        return "top"
    if len(ladder) <= 2:
        return "low"
    return ("low", "mid", "high")[min(2, place * 3 // (len(ladder) - 1))]
