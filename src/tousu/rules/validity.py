"""Validity (投诉性质): 有效 ``valid`` / 协助处理 ``assist`` / 无效 ``invalid`` (SPEC §4).

Pure functions of the pack's validity policy (pack key ``validity``), its responsibility
classes (``responsibility_classes``), the contact's facts and its times. Nothing here reads a
clock: ``received_at`` is the "now" of the decision.

The engine knows a few *grounds* for refusing a contact (malicious, time-barred, no way to
reply, anonymous without verifiable facts, outside the organisation's scope). A ground
applies only where the pack has a reason for it: each ground lists the reason codes that
express it, and the first one the pack declares is used. A pack without such a reason does not
refuse on that ground (the property pack, for instance, has no anonymity rule).

Time bars (``validity.time_bars``) count whole calendar months from ``occurred_at``: a matter
is barred when it is raised after the same day ``months`` later (the day itself is still in
time). A bar naming categories applies to those categories and their descendants; a bar with
no categories covers every other category.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

Facts = Mapping[str, object]


class ReasonLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def definition(self) -> str: ...
    @property
    def malicious(self) -> bool: ...
    @property
    def source(self) -> str: ...


class TimeBarLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def months(self) -> int: ...
    @property
    def categories(self) -> frozenset[str]: ...
    @property
    def reason(self) -> str: ...
    @property
    def source(self) -> str: ...


class PolicyLike(Protocol):
    @property
    def assist(self) -> str | None: ...
    @property
    def reasons(self) -> Sequence[ReasonLike]: ...
    @property
    def time_bars(self) -> Sequence[TimeBarLike]: ...
    @property
    def source(self) -> str: ...


class ClassLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def validity(self) -> str: ...
    @property
    def source(self) -> str: ...


@dataclass(frozen=True)
class Ground:
    """A reason to refuse that the engine can test, and the pack reason codes expressing it.

    ``request_types`` limits a candidate code to those request types (empty: any)."""

    code: str
    fact: str  # the fact that raises it; "" for grounds computed from other inputs
    candidates: tuple[tuple[str, frozenset[str]], ...]


def _any(*codes: str) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((code, frozenset()) for code in codes)


# Tried in this order; the first ground that holds decides, the rest are listed as well.
GROUNDS: tuple[Ground, ...] = (
    # Seed 002 §6 第十一条: improper demand, or an anonymous claim proved false.
    Ground("malicious", "malicious", ()),  # the pack's reason flagged malicious
    Ground("time_barred", "", ()),  # the time bar names its own reason
    Ground("no_contact", "", _any("no_contact")),
    Ground(
        "anonymous",
        "anonymous",
        (
            *_any("anonymous_unverifiable", "anonymous_unfounded", "anonymous_or_unrelated"),
            ("anonymous_report", frozenset({"report"})),
        ),
    ),
    Ground("out_of_scope", "out_of_scope", _any("out_of_scope", "beyond_scope")),
    Ground("internal_staff", "internal_staff", _any("internal_staff")),
)


@dataclass(frozen=True)
class Contact:
    """What validity is decided on. ``category_lineage``: the category, then its ancestors."""

    request_type: str
    category_lineage: tuple[str, ...]
    received_at: datetime
    occurred_at: datetime | None = None
    has_contact: bool = True
    facts: Facts = field(default_factory=dict)
    responsibility_class: str = ""

    def fact(self, name: str) -> bool:
        return bool(self.facts.get(name))


@dataclass(frozen=True)
class Finding:
    """One ground that holds: the pack reason it maps to and the rule that says so."""

    ground: str
    reason: str
    rule: str  # e.g. "time_bar.billing_dispute", "validity.malicious"
    source: str
    detail: str  # English explanation for the history; the customer sees the pack's wording


@dataclass(frozen=True)
class ValidityDecision:
    """``validity`` is "" when nothing suggests one (a person decides at triage)."""

    validity: str
    reason: str = ""
    rule: str = ""
    source: str = ""
    detail: str = ""
    findings: tuple[Finding, ...] = ()


# ---------------------------------------------------------------- calendar months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is before it)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def _local_dates(occurred: datetime, received: datetime) -> tuple[date, date]:
    """Both as calendar dates in the time zone of ``received`` (the service passes local)."""
    tz = received.tzinfo
    first = occurred.astimezone(tz) if tz is not None and occurred.tzinfo else occurred
    return first.date(), received.date()


# ---------------------------------------------------------------- time bars


def time_bar_for(bars: Iterable[TimeBarLike], lineage: Sequence[str]) -> TimeBarLike | None:
    """The bar that governs a category: the one naming the nearest category of the lineage,
    else the general bar (no categories), else None (pack key ``validity.time_bars``)."""
    bars = tuple(bars)
    for code in lineage:
        for bar in bars:
            if code in bar.categories:
                return bar
    return next((bar for bar in bars if not bar.categories), None)


def is_time_barred(bar: TimeBarLike, occurred_at: datetime, received_at: datetime) -> bool:
    """Raised more than ``bar.months`` whole calendar months after it happened."""
    start, end = _local_dates(occurred_at, received_at)
    return end > add_months(start, bar.months)


def _time_bar_finding(policy: PolicyLike, contact: Contact) -> Finding | None:
    if contact.occurred_at is None:
        return None
    bar = time_bar_for(policy.time_bars, contact.category_lineage)
    if bar is None or not is_time_barred(bar, contact.occurred_at, contact.received_at):
        return None
    start, end = _local_dates(contact.occurred_at, contact.received_at)
    months = whole_months_between(start, end)
    return Finding(
        "time_barred",
        bar.reason,
        f"time_bar.{bar.code}",
        bar.source,
        f"time bar '{bar.code}': raised {months} whole month(s) after it happened "
        f"(on {start.isoformat()}, raised {end.isoformat()}); the limit is {bar.months}",
    )


# ---------------------------------------------------------------- grounds


def _reason(policy: PolicyLike, code: str) -> ReasonLike | None:
    return next((r for r in policy.reasons if r.code == code), None)


def _pick(policy: PolicyLike, ground: Ground, request_type: str) -> ReasonLike | None:
    if ground.code == "malicious":
        return next((r for r in policy.reasons if r.malicious), None)
    for code, types in ground.candidates:
        reason = _reason(policy, code)
        if reason is not None and (not types or request_type in types):
            return reason
    return None


def _holds(ground: Ground, contact: Contact) -> bool:
    if ground.code == "no_contact":
        return not contact.has_contact
    if ground.code == "anonymous":
        # SPEC §4: anonymous *and* without facts that can be checked.
        return contact.fact("anonymous") and not contact.fact("verifiable")
    return bool(ground.fact) and contact.fact(ground.fact)


def findings(policy: PolicyLike, contact: Contact) -> tuple[Finding, ...]:
    """Every ground that holds for the contact and that the pack has a reason for."""
    found: list[Finding] = []
    for ground in GROUNDS:
        if ground.code == "time_barred":
            bar = _time_bar_finding(policy, contact)
            if bar is not None:
                found.append(bar)
            continue
        if not _holds(ground, contact):
            continue
        reason = _pick(policy, ground, contact.request_type)
        if reason is not None:
            found.append(
                Finding(
                    ground.code,
                    reason.code,
                    f"validity.{ground.code}",
                    reason.source or policy.source,
                    f"ground '{ground.code}' holds; pack reason '{reason.code}'",
                )
            )
    return tuple(found)


def suggested_validity(classes: Iterable[ClassLike], responsibility_class: str) -> str:
    """The validity a responsibility class suggests (pack key ``responsibility_classes``);
    "" when the class is unknown or not given."""
    cls = next((c for c in classes if c.code == responsibility_class), None)
    return cls.validity if cls is not None else ""


def assess_validity(
    policy: PolicyLike, classes: Iterable[ClassLike], contact: Contact
) -> ValidityDecision:
    """有效 / 协助处理 / 无效 for a contact: the first ground that holds makes it invalid with
    its reason; otherwise the responsibility class suggests valid or assist."""
    found = findings(policy, contact)
    if found:
        first = found[0]
        return ValidityDecision(
            "invalid", first.reason, first.rule, first.source, first.detail, found
        )
    classes = tuple(classes)
    validity = suggested_validity(classes, contact.responsibility_class)
    if not validity:
        return ValidityDecision("")
    cls = next(c for c in classes if c.code == contact.responsibility_class)
    return ValidityDecision(
        validity,
        rule=f"responsibility_class.{cls.code}",
        source=cls.source,
        detail=f"responsibility class '{cls.code}' suggests '{validity}'",
    )


def is_malicious(policy: PolicyLike, reason_code: str) -> bool:
    """恶意: the reason is one the pack flags as malicious."""
    reason = _reason(policy, reason_code)
    return reason is not None and reason.malicious
