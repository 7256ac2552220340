"""Durations as packs write them: ``10min``, ``12h``, ``3d``, ``16wh`` (working hours), ``15wd``.

A Duration is a value; the business calendar (``rules.calendar``) turns it into a deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class TimeUnit(StrEnum):
    MINUTES = "min"
    HOURS = "h"
    DAYS = "d"  # calendar days
    WORKING_HOURS = "wh"
    WORKING_DAYS = "wd"


_PATTERN = re.compile(r"^\s*(\d+)\s*(min|h|d|wh|wd)\s*$")


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: TimeUnit

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"15wd"``; raise ValueError naming the accepted units for anything else."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(
                f"'{text}' is not a duration: write a whole number and a unit, "
                "one of min, h, d, wh (working hours), wd (working days), e.g. 15wd"
            )
        return cls(int(match.group(1)), TimeUnit(match.group(2)))
