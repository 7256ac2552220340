"""Severity and escalation-level grading from facts (SPEC §4), as pure functions.

A pack lists grading rules (pack key ``grading``): each names conditions on facts and the
severity or escalation level a case reaches when all hold. ``grade`` returns the most serious
level every matching rule allows, never lower than the current one: grading is monotone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Protocol

from tousu.rules.durations import Duration, TimeUnit


class ConditionLike(Protocol):
    @property
    def fact(self) -> str: ...
    @property
    def op(self) -> str: ...
    @property
    def value(self) -> object: ...


class RuleLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def conditions(self) -> Sequence[ConditionLike]: ...
    @property
    def severity(self) -> str | None: ...
    @property
    def escalation_level(self) -> str | None: ...
    @property
    def source(self) -> str: ...


Facts = Mapping[str, object]

_APPROX = {
    TimeUnit.MINUTES: timedelta(minutes=1),
    TimeUnit.HOURS: timedelta(hours=1),
    TimeUnit.DAYS: timedelta(days=1),
    TimeUnit.WORKING_HOURS: timedelta(hours=1),
    TimeUnit.WORKING_DAYS: timedelta(days=1),
}


def _as_number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Duration):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _compare(actual: object, limit: object, strict: bool) -> bool:
    if isinstance(limit, Duration):
        if not isinstance(actual, timedelta):
            return False
        bound = _APPROX[limit.unit] * limit.amount
        return actual > bound if strict else actual >= bound
    a, b = _as_number(actual), _as_number(limit)
    if a is None or b is None:
        return False
    return a > b if strict else a >= b


def condition_holds(condition: ConditionLike, facts: Facts, lineage: Iterable[str] = ()) -> bool:
    """One condition against the facts. ``category in [...]`` also matches descendants, so
    pass the case's category lineage (the category and its ancestors)."""
    actual = facts.get(condition.fact)
    if condition.op == "is":
        return bool(actual) == bool(condition.value)
    if condition.op == "at_least":
        return _compare(actual, condition.value, strict=False)
    if condition.op == "more_than":
        return _compare(actual, condition.value, strict=True)
    if condition.op == "in":
        allowed = condition.value if isinstance(condition.value, frozenset) else frozenset()
        if condition.fact == "category":
            return any(code in allowed for code in lineage)
        return actual in allowed
    raise ValueError(f"unknown condition operator '{condition.op}'")


def matching_rules(
    rules: Iterable[RuleLike], facts: Facts, lineage: Iterable[str] = ()
) -> list[RuleLike]:
    lineage = tuple(lineage)
    return [r for r in rules if all(condition_holds(c, facts, lineage) for c in r.conditions)]


@dataclass(frozen=True)
class Upgrade:
    """A grade reached by rule ``rule``: field is ``severity`` or ``escalation_level``."""

    field: str
    code: str
    rank: int
    rule: str
    rule_name: str
    source: str


def grade(
    rules: Iterable[RuleLike],
    facts: Facts,
    *,
    severity_ranks: Mapping[str, int],
    level_ranks: Mapping[str, int],
    current_severity: str,
    current_level: str,
    lineage: Iterable[str] = (),
) -> list[Upgrade]:
    """The upgrades the facts call for: at most one per field, each above the current grade.

    The rule reaching the highest rank wins; ties go to the first rule in pack order."""
    best: dict[str, Upgrade] = {}
    current = {
        "severity": severity_ranks.get(current_severity, -1),
        "escalation_level": level_ranks.get(current_level, -1),
    }
    for rule in matching_rules(rules, facts, lineage):
        for field, code, ranks in (
            ("severity", rule.severity, severity_ranks),
            ("escalation_level", rule.escalation_level, level_ranks),
        ):
            if code is None or code not in ranks:
                continue
            rank = ranks[code]
            held = best[field].rank if field in best else current[field]
            if rank > held:
                best[field] = Upgrade(field, code, rank, rule.code, rule.name, rule.source)
    return [best[f] for f in ("severity", "escalation_level") if f in best]


# Channels that are themselves a grading fact: a complaint brought by the media is media
# exposure, one passed on by a regulator is regulator involvement (SPEC §4 automatic upgrades).
CHANNEL_FACTS: Mapping[str, str] = {"media": "media", "regulator": "regulator"}


def channel_facts(channel: str) -> dict[str, bool]:
    """The yes/no facts a receiving channel implies (``media`` → media, ``regulator`` →
    regulator)."""
    fact = CHANNEL_FACTS.get(channel)
    return {fact: True} if fact else {}


def final_offer_rejected(
    rejection_count: int, rejection_limit: int, final_rejected: bool = False
) -> bool:
    """The customer rejected the last offer: one marked final, or the pack's
    ``rejection_limit``-th rejection (0 = the pack has no automatic upgrade)."""
    return final_rejected or (rejection_limit > 0 and rejection_count >= rejection_limit)


def repeat_count(urges: int, earlier_contacts: Sequence[int] = ()) -> int:
    """Contacts by the same customer on the same matter, this case included: this case, its
    urges (催办), and for each earlier case it repeats (repeat_of chain) that case and its
    urges (``earlier_contacts`` holds those cases' urge counts)."""
    return 1 + urges + sum(1 + n for n in earlier_contacts)


def severity_from(
    rules: Iterable[RuleLike],
    facts: Facts,
    *,
    severity_ranks: Mapping[str, int],
    start: str,
    lineage: Iterable[str] = (),
) -> str:
    """The severity the facts give a case starting at ``start`` (pack ``default_severity``)."""
    found = grade(
        rules,
        facts,
        severity_ranks=severity_ranks,
        level_ranks={},
        current_severity=start,
        current_level="",
        lineage=lineage,
    )
    return next((u.code for u in found if u.field == "severity"), start)
