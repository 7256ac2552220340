"""What an industry pack is: frozen dataclasses, built only by ``tousu.packs.loader``.

A pack holds one industry's data (categories, severity ladder, grading rules, clocks,
scripts, wording). Nothing here knows about Django, the clock or any particular industry:
rules in ``tousu.rules`` read these values and decide. See ``docs/packs.md`` for the YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, TypeVar

from tousu.packs.schema_rules import (
    Analysis,
    CompensationPolicy,
    EffectiveSla,
    EmergencyLevel,
    GradingRule,
    IntakePolicy,
    ReportingDuty,
    SlaPolicy,
    SlaSection,
    StatutoryLimits,
)
from tousu.packs.scripts_schema import Script, ScriptRule
from tousu.rules.durations import Duration

REQUEST_TYPES: tuple[str, ...] = (
    "inquiry",
    "consultation",
    "fault",
    "complaint",
    "report",
    "suggestion",
)
ROLES: frozenset[str] = frozenset(
    {
        "admin",
        "agent",
        "dispatcher",
        "handler",
        "supervisor",
        "manager",
        "quality",
        "auditor",
        "crisis",
    }
)
RESPONSIBILITY_CLASSES: tuple[str, ...] = ("class1", "class2", "class3")
VALIDITIES: tuple[str, ...] = ("valid", "assist", "invalid")
SCOPES: tuple[str, ...] = ("unit", "organisation")

__all__ = [
    "REQUEST_TYPES",
    "RESPONSIBILITY_CLASSES",
    "ROLES",
    "SCOPES",
    "VALIDITIES",
    "Analysis",
    "Category",
    "CompensationPolicy",
    "EffectiveSla",
    "EmergencyLevel",
    "EscalationLevel",
    "FollowUpPolicy",
    "GradingRule",
    "IntakePolicy",
    "InvalidReason",
    "Pack",
    "Position",
    "ReportingDuty",
    "RequestTypeInfo",
    "ResponsibilityClass",
    "RoutingKey",
    "Script",
    "ScriptRule",
    "Severity",
    "SlaPolicy",
    "SlaSection",
    "StatutoryLimits",
    "TimeBar",
    "ValidityPolicy",
]


@dataclass(frozen=True)
class RoutingKey:
    """A handling-unit tag (``engineering``, ``sp``…) that units are labelled with."""

    code: str
    name: str


@dataclass(frozen=True)
class Position:
    """A pack's job title mapped onto one of the platform roles.

    ``scope`` says where the holder sits: ``unit`` (head or member of the case's handling
    unit) or ``organisation`` (the top of the organisation, e.g. a general manager).
    """

    code: str
    name: str
    role: str
    scope: str


@dataclass(frozen=True)
class RequestTypeInfo:
    code: str
    name: str
    definition: str
    source: str


@dataclass(frozen=True)
class Category:
    """One node of the category tree; ``route`` None means "inherit from the parent"."""

    code: str
    name: str
    parent: str | None
    route: str | None
    source: str
    description: str = ""
    keywords: tuple[str, ...] = ()  # words typical of it, for suggesting it at intake


@dataclass(frozen=True)
class Severity:
    code: str
    name: str
    rank: int  # higher = more serious
    definition: str
    source: str


@dataclass(frozen=True)
class EscalationLevel:
    code: str
    name: str
    rank: int
    definition: str
    source: str


@dataclass(frozen=True)
class ResponsibilityClass:
    """``class1``/``class2``/``class3`` with the pack's meaning and its usual validity."""

    code: str
    name: str
    definition: str
    validity: str  # the validity triage suggests for this class: valid | assist | invalid
    source: str


@dataclass(frozen=True)
class InvalidReason:
    code: str
    name: str
    definition: str
    malicious: bool
    source: str


@dataclass(frozen=True)
class TimeBar:
    """A matter raised more than ``months`` calendar months after it happened is refused.

    ``categories`` empty means every category not covered by a more specific bar.
    """

    code: str
    name: str
    months: int
    categories: frozenset[str]
    reason: str  # an invalid-reason code
    source: str


@dataclass(frozen=True)
class ValidityPolicy:
    valid: str  # what makes a complaint valid, in the pack's words
    assist: str | None  # when it is handled as "assist"; None when the pack has no such class
    reasons: tuple[InvalidReason, ...]
    time_bars: tuple[TimeBar, ...]
    source: str


@dataclass(frozen=True)
class FollowUpPolicy:
    required_for: frozenset[str]  # request types that need a follow-up before closing
    within: Duration  # counted from the reply
    source: str
    by: str | None = None  # position code of whoever makes the call
    dissatisfied_reopens: bool = True


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_T = TypeVar("_T", bound=_Coded)


def _index(items: tuple[_T, ...]) -> Mapping[str, _T]:
    return MappingProxyType({item.code: item for item in items})


@dataclass(frozen=True)
class Pack:
    code: str
    name: str
    version: str
    source: str
    request_types: tuple[str, ...]
    routing_keys: tuple[RoutingKey, ...]
    positions: tuple[Position, ...]
    categories: tuple[Category, ...]
    severities: tuple[Severity, ...]
    default_severity: str
    escalation_levels: tuple[EscalationLevel, ...]
    invalid_reasons: Mapping[str, str]
    follow_up: FollowUpPolicy
    appeal_window: Duration | None
    confirmation_required: bool
    rejection_limit: int
    routing_default: str | None
    sla: SlaSection
    scripts: tuple[Script, ...]
    validity: ValidityPolicy
    responsibility_classes: tuple[ResponsibilityClass, ...]
    grading: tuple[GradingRule, ...]
    reporting: tuple[ReportingDuty, ...]
    compensation: CompensationPolicy | None
    emergency_levels: tuple[EmergencyLevel, ...]
    intake: IntakePolicy
    analysis: Analysis | None
    request_type_info: tuple[RequestTypeInfo, ...]
    checksum: str
    description: str = ""
    _categories: Mapping[str, Category] = field(init=False, repr=False, compare=False)
    _severities: Mapping[str, Severity] = field(init=False, repr=False, compare=False)
    _levels: Mapping[str, EscalationLevel] = field(init=False, repr=False, compare=False)
    _scripts: Mapping[str, Script] = field(init=False, repr=False, compare=False)
    _positions: Mapping[str, Position] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookup tables; frozen dataclasses need object.__setattr__ for derived fields.
        object.__setattr__(self, "_categories", _index(self.categories))
        object.__setattr__(self, "_severities", _index(self.severities))
        object.__setattr__(self, "_levels", _index(self.escalation_levels))
        object.__setattr__(self, "_scripts", _index(self.scripts))
        object.__setattr__(self, "_positions", _index(self.positions))

    def category(self, code: str) -> Category | None:
        return self._categories.get(code)

    def severity(self, code: str) -> Severity | None:
        return self._severities.get(code)

    def escalation_level(self, code: str) -> EscalationLevel | None:
        return self._levels.get(code)

    def script(self, code: str) -> Script | None:
        return self._scripts.get(code)

    def position(self, code: str) -> Position | None:
        return self._positions.get(code)

    def routing_key(self, code: str) -> RoutingKey | None:
        return next((k for k in self.routing_keys if k.code == code), None)

    def lineage(self, category_code: str) -> Iterator[Category]:
        """The category itself, then its parent, up to the top (the loader forbids cycles)."""
        current = self.category(category_code)
        while current is not None:
            yield current
            current = self.category(current.parent) if current.parent else None

    def children(self, category_code: str | None) -> tuple[Category, ...]:
        """Direct children of a category; ``None`` gives the top-level categories."""
        return tuple(c for c in self.categories if c.parent == category_code)

    def route_for(self, category_code: str) -> str | None:
        """Routing key for a category: its own, else the nearest ancestor's, else the default."""
        for node in self.lineage(category_code):
            if node.route is not None:
                return node.route
        return self.routing_default

    def scripts_for(self, category_code: str) -> tuple[Script, ...]:
        return tuple(s for s in self.scripts if s.category == category_code)

    def is_malicious(self, reason_code: str) -> bool:
        return any(r.code == reason_code and r.malicious for r in self.validity.reasons)

    def sla_for(self, *, severity: str, request_type: str, category: str | None) -> EffectiveSla:
        """Limits for a case (pack key ``sla.policies``); the most specific policy wins."""
        lineage = tuple(c.code for c in self.lineage(category)) if category else ()
        return self.sla.effective(
            severity=severity, request_type=request_type, category_lineage=lineage
        )

    def clocks_for(
        self, *, severity: str, request_type: str, category: str | None
    ) -> Mapping[str, Duration]:
        """Just the clock limits of ``sla_for``: clock name -> Duration."""
        return self.sla_for(severity=severity, request_type=request_type, category=category).clocks

    def extension_approver(self, severity: str) -> Position | None:
        """Who approves more time for a case of this severity (``sla.extension_approvers``)."""
        code = self.sla.extension_approvers.get(severity)
        return self.position(code) if code else None
