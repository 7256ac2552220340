"""The group sizes at which a pack's grading rules change a grade (``size_rules``), pure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import tousu.packs
from tousu.packs.registry import load_pack_text
from tousu.rules.incidents import size_rules


@dataclass(frozen=True)
class Cond:
    fact: str
    op: str
    value: object


@dataclass(frozen=True)
class Rule:
    code: str
    conditions: tuple[Cond, ...]
    name: str = ""
    severity: str | None = "hot"
    escalation_level: str | None = None
    source: str = ""


def test_thresholds_are_the_least_counts_that_satisfy_each_condition():
    found = size_rules(
        [
            Rule("a", (Cond("complainant_count", "at_least", 3),)),
            Rule("b", (Cond("complainant_count", "more_than", 9),)),
            Rule("c", (Cond("households", "at_least", 4.5),)),
            Rule("d", (Cond("media", "is", True),)),
        ]
    )
    assert found.thresholds == {"complainant_count": {3, 10}, "households": {5}}
    assert [r.code for r in found.rules] == ["a", "b", "c"]
    assert not found.mixed


@pytest.mark.parametrize(
    ("before", "after", "crossed"),
    [
        (1, 2, False),
        (2, 3, True),
        (3, 4, False),
        (9, 10, True),
        (10, 11, False),
        (0, 12, True),
    ],
)
def test_crossed_only_when_a_count_reaches_a_threshold(before, after, crossed):
    found = size_rules(
        [
            Rule("a", (Cond("complainant_count", "at_least", 3),)),
            Rule("b", (Cond("complainant_count", "at_least", 10),)),
        ]
    )
    assert found.crossed({"complainant_count": before}, {"complainant_count": after}) is crossed


def test_a_rule_also_reading_a_case_fact_makes_the_pack_mixed():
    found = size_rules(
        [
            Rule(
                "a", (Cond("complainant_count", "at_least", 3), Cond("category", "in", frozenset()))
            ),
            Rule("b", (Cond("households", "at_least", 5), Cond("our_fault", "is", True))),
        ]
    )
    assert [r.code for r in found.rules] == ["a"]
    assert found.mixed
    assert found.thresholds == {"complainant_count": {3}, "households": {5}}


@pytest.mark.parametrize(
    ("pack", "thresholds"),
    [
        ("property", {"households": {5}}),
        ("telecom", {"complainant_count": {5}}),
        ("internet", {"same_matter_month": {3}, "complainant_count": {3, 10}}),
    ],
)
def test_the_packs_thresholds(pack, thresholds):
    path = Path(tousu.packs.__file__).parent / "data" / f"{pack}.yaml"
    found = size_rules(load_pack_text(path.read_text(encoding="utf-8"), path.name).grading)
    assert found.thresholds == thresholds
    assert not found.mixed
