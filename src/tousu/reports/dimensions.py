"""The dimensions statistics are grouped by, and the names shown for their values.

A dimension is the case columns to ``GROUP BY`` (and the same columns seen from a work order,
for the acknowledge clock). Pack-defined codes (category, severity, escalation level) are
grouped together with the pack, since two packs may use the same code. ``unit`` is the
handling unit: cases are grouped through their work orders (returned and cancelled orders
left out), so a case handled by two units counts in each (and twice in a unit that got it
twice, e.g. again after an appeal), and a case with no work order falls in the "not
dispatched" row. The totals still count each case once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tousu.org.models import Unit
from tousu.packs.schema import Pack
from tousu.reports import labels
from tousu.rules.errors import ErrorCode, ValidationFailed


@dataclass(frozen=True)
class Dimension:
    code: str
    case_fields: tuple[str, ...]  # values() on the cases
    order_fields: tuple[str, ...]  # the same, from a work order
    pack_scoped: bool = False
    via_orders: bool = False  # grouped through the work orders (the handling unit)
    unit: bool = False  # values are unit ids

    @property
    def title(self) -> str:
        return labels.DIMENSIONS[self.code]


def _plain(code: str) -> Dimension:
    return Dimension(code, (code,), (f"case__{code}",))


def _scoped(code: str) -> Dimension:
    return Dimension(code, ("pack", code), ("case__pack", f"case__{code}"), pack_scoped=True)


def _unit_fk(code: str) -> Dimension:
    return Dimension(code, (code,), (f"case__{code}",), unit=True)


UNIT_JOIN = "_handling"  # the FilteredRelation alias of the counted work orders

DIMENSIONS: Mapping[str, Dimension] = {
    "category": _scoped("category"),
    "unit": Dimension("unit", (f"{UNIT_JOIN}__unit",), ("unit",), via_orders=True, unit=True),
    "severity": _scoped("severity"),
    "channel": _plain("channel"),
    "request_type": _plain("request_type"),
    "responsibility_class": _plain("responsibility_class"),
    "validity": _plain("validity"),
    "pack": _plain("pack"),
    "intake_unit": _unit_fk("intake_unit"),
    "complained_unit": _unit_fk("complained_unit"),
    "escalation_level": _scoped("escalation_level"),
}
# The dimensions of the full report, in sheet order.
REPORT_DIMENSIONS = (
    "category",
    "unit",
    "severity",
    "channel",
    "request_type",
    "responsibility_class",
    "validity",
    "pack",
)


def dimension(code: str | None, field: str = "by") -> Dimension:
    dim = DIMENSIONS.get((code or "").strip())
    if dim is None:
        raise ValidationFailed.one(
            field,
            f"unknown dimension '{code}'; one of {', '.join(DIMENSIONS)}",
            ErrorCode.UNKNOWN,
        )
    return dim


class Namer:
    """Turns grouped values into (key, name): unit ids into codes, pack codes into names."""

    def __init__(self, packs: Mapping[str, Pack], pack: str = "") -> None:
        self.packs = packs
        self.pack = pack
        self.units: dict[int, tuple[str, str]] = {}

    def load_units(self, ids: Iterable[Any]) -> None:
        wanted = {i for i in ids if i is not None and i not in self.units}
        for unit in Unit.objects.filter(pk__in=wanted).only("code", "name"):
            self.units[unit.pk] = (unit.code, unit.name)

    def key(self, dim: Dimension, value: Any) -> str:
        if dim.unit:
            return self.units.get(value, ("", ""))[0] if value is not None else ""
        return str(value or "")

    def name(self, dim: Dimension, pack_code: str, value: Any) -> str:
        if value in (None, ""):
            return labels.NO_UNIT if dim.code == "unit" else labels.NONE
        if dim.unit:
            return self.units.get(value, ("", str(value)))[1]
        if dim.code == "pack":
            found = self.packs.get(str(value))
            return found.name if found is not None else str(value)
        pack = self.packs.get(pack_code or self.pack)
        return _pack_name(dim.code, pack, str(value)) or _platform_name(dim.code, str(value))


def _pack_name(code: str, pack: Pack | None, value: str) -> str | None:
    if pack is None:
        return None
    if code == "category":
        found: Any = pack.category(value)
    elif code == "severity":
        found = pack.severity(value)
    elif code == "escalation_level":
        found = pack.escalation_level(value)
    elif code == "request_type":
        found = next((r for r in pack.request_type_info if r.code == value), None)
    elif code == "responsibility_class":
        found = next((r for r in pack.responsibility_classes if r.code == value), None)
    else:
        return None
    return found.name if found is not None else None


_PLATFORM = {
    "channel": labels.CHANNELS,
    "validity": labels.VALIDITIES,
    "request_type": labels.REQUEST_TYPES,
    "responsibility_class": labels.RESPONSIBILITY_CLASSES,
}


def _platform_name(code: str, value: str) -> str:
    return _PLATFORM.get(code, {}).get(value, value)


__all__ = ["DIMENSIONS", "REPORT_DIMENSIONS", "Dimension", "Namer", "dimension"]
