"""Pack sections that carry rules: grading, clocks (SLA), compensation, intake, emergencies.

Pure frozen dataclasses; the loader builds them and ``tousu.rules`` evaluates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from tousu.rules.durations import Duration
from tousu.rules.office_hours import OfficeHours

# Facts a grading rule may test. Booleans are set at intake/triage or by events; numbers are
# counts or yuan; ``unresolved_for`` is the age of an open valid case.
BOOL_FACTS: frozenset[str] = frozenset(
    {
        "injury",  # personal injury, disability or death
        "death",
        "serious_loss",  # a person judged the economic loss serious (no amount in the pack)
        "media",  # already exposed in press, radio, TV or online media
        "media_threatened",  # customer says they will go to the media
        "regulator",  # a regulator, government office or consumer association took it up
        "lawsuit",  # in court
        "lawsuit_threatened",
        "counterfeit",  # fake or grey-market goods alleged
        "our_fault",  # the organisation is responsible
        "staff_error",  # our management or service fell short or erred
        "promised_service_missing",  # a contracted or promised service was not given
        "forwarded_by_leadership",  # passed down by a level above the local company
        "final_offer_rejected",  # the customer rejected the last proposal
        "needs_outside_help",  # needs an adviser or another company to resolve
        "closed_before",  # a new complaint about a matter already closed
        "cross_level",  # the customer went, or threatens to go, over our heads
        "disrupts_business",  # the customer's behaviour disrupts normal service
        "violence",  # attacks on staff, damage to premises, crowds gathering
        "harmful_content",  # a report concerns unlawful or harmful information
        "public_impact",  # open conflict or wide public impact
    }
)
NUMBER_FACTS: frozenset[str] = frozenset(
    {
        "economic_loss",  # yuan
        "complainant_count",  # people complaining together about the same matter
        "households",  # distinct households on the same matter at the same time
        "repeat_count",  # complaints by the same customer on the same matter, this one included
        "same_matter_month",  # distinct customers with the same complaint within a month
        "urge_count",
        "rejection_count",
    }
)
DURATION_FACTS: frozenset[str] = frozenset({"unresolved_for"})
CODE_FACTS: frozenset[str] = frozenset({"channel", "category", "request_type"})
CHANNELS: frozenset[str] = frozenset(
    {
        "phone",
        "walk_in",
        "letter",
        "fax",
        "email",
        "web",
        "app",
        "wechat",
        "social",
        "opinion_box",
        "media",
        "regulator",
        "headquarters",
        "internal_transfer",
    }
)

# Clock names and what each is counted from (``docs/packs.md`` explains them).
CLOCKS: Mapping[str, str] = {
    "dispatch": "received",  # first work order issued
    "acknowledge": "issued",  # handling unit signs for the work order
    "first_progress": "issued",  # first progress note on the work order
    "handle": "issued",  # handler finishes the work order
    "answer": "received",  # a first substantive answer or plan given to the customer
    "resolve": "received",  # every work order done and the solution carried out
    "reply": "resolved",  # the customer is told the result
    "follow_up": "replied",  # the follow-up call or visit
}


@dataclass(frozen=True)
class Condition:
    """One test on a fact. ``op`` is ``is`` (bool), ``at_least``, ``more_than`` or ``in``.

    ``category in [...]`` also matches descendants of the listed categories.
    """

    fact: str
    op: str
    value: bool | int | Decimal | Duration | frozenset[str]


@dataclass(frozen=True)
class GradingRule:
    """When every condition holds, the case is at least ``severity`` / ``escalation_level``."""

    code: str
    name: str
    conditions: tuple[Condition, ...]
    severity: str | None
    escalation_level: str | None
    notify: tuple[str, ...]  # position codes told at once
    priority: bool  # handle ahead of the queue
    source: str


@dataclass(frozen=True)
class ReportingDuty:
    """What must be reported, to whom and how often, for cases of one severity."""

    severity: str
    notify: tuple[str, ...]
    within: Duration | None
    update_every: Duration | None  # interim (flash) reports while open
    final_report: tuple[str, ...]  # sections the closing report must contain
    quality_brief: bool  # listed in the periodic quality brief
    corrective_action: bool  # opens a corrective/preventive action
    source: str


@dataclass(frozen=True)
class SlaPolicy:
    """Time limits for the cases it matches; a selector left None matches anything."""

    code: str
    severity: str | None
    request_type: str | None
    category: str | None  # matches the category and all of its descendants
    clocks: Mapping[str, Duration]
    progress_every: Duration | None
    progress_due_by: dt.time | None  # local wall-clock time the progress note is due by
    lead: str | None  # position that takes charge of the case
    lead_within: Duration | None
    source: str

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.severity, self.request_type, self.category))

    def matches(self, severity: str, request_type: str, category_lineage: tuple[str, ...]) -> bool:
        return (
            self.severity in (None, severity)
            and self.request_type in (None, request_type)
            and (self.category is None or self.category in category_lineage)
        )


@dataclass(frozen=True)
class StatutoryLimits:
    """Legal reply limits, kept apart from internal targets (``due.statutory_reply``)."""

    reply: Duration
    complex_reply: Duration | None
    extension: Duration | None
    extension_approver: str | None
    applies_to: frozenset[str]  # request types
    rule: str  # the regulation followed, by name
    source: str


@dataclass(frozen=True)
class EscalationStep:
    """``after`` a clock is breached: notify positions, mark overdue, maybe raise severity."""

    code: str
    after: Duration
    notify: tuple[str, ...]  # position codes
    mark_overdue: bool
    raise_severity: bool  # move the case one rank up the ladder
    source: str


@dataclass(frozen=True)
class EffectiveSla:
    """The merged limits for one case: each field from the most specific policy setting it."""

    clocks: Mapping[str, Duration]
    progress_every: Duration | None
    progress_due_by: dt.time | None
    lead: str | None
    lead_within: Duration | None


@dataclass(frozen=True)
class SlaSection:
    policies: tuple[SlaPolicy, ...]
    statutory: StatutoryLimits | None
    escalation: tuple[EscalationStep, ...]
    warning_margin: Duration
    extension_approvers: Mapping[str, str]  # severity code -> position code
    pause_on_customer: bool  # clocks stop while waiting for the customer
    customer_time_overrides: bool  # a time agreed with the customer replaces the target
    source: str
    # when working-hour clocks run; None: the calendar's default (rules.office_hours)
    office_hours: OfficeHours | None = None

    def effective(
        self, *, severity: str, request_type: str, category_lineage: tuple[str, ...]
    ) -> EffectiveSla:
        """Merge every matching policy, least specific first, so specific ones override."""
        matching = [p for p in self.policies if p.matches(severity, request_type, category_lineage)]
        clocks: dict[str, Duration] = {}
        every: Duration | None = None
        due_by: dt.time | None = None
        lead: tuple[str, Duration] | None = None
        # Stable sort keeps file order among policies of equal specificity.
        for policy in sorted(matching, key=lambda p: p.specificity):
            clocks.update(policy.clocks)
            every = policy.progress_every or every
            due_by = policy.progress_due_by or due_by
            if policy.lead is not None and policy.lead_within is not None:
                lead = (policy.lead, policy.lead_within)
        return EffectiveSla(
            MappingProxyType(clocks),
            every,
            due_by,
            lead[0] if lead else None,
            lead[1] if lead else None,
        )


@dataclass(frozen=True)
class ApprovalThreshold:
    """Compensation at or above (``inclusive``) or above ``amount`` yuan needs ``approver``."""

    amount: Decimal
    inclusive: bool
    approver: str  # position code
    source: str

    def applies(self, amount: Decimal) -> bool:
        return amount >= self.amount if self.inclusive else amount > self.amount


@dataclass(frozen=True)
class InjuryItem:
    """One head of injury compensation. ``basis``: actual_cost | base_multiple | base_years."""

    code: str
    name: str
    basis: str
    multiple_min: int | None
    multiple_max: int | None
    until_age: int | None
    years: int | None
    source: str


@dataclass(frozen=True)
class CounterfeitRule:
    multiple: int  # pay this many times the price once proven
    freeze_supplier_payment: bool
    notify_supplier: bool
    source: str


@dataclass(frozen=True)
class WithdrawalRule:
    """A supplier or product is flagged for withdrawal when this holds (seed facts)."""

    code: str
    name: str
    within: Duration | None
    count: int | None
    consecutive_months: int | None
    source: str


@dataclass(frozen=True)
class CompensationPolicy:
    currency: str
    thresholds: tuple[ApprovalThreshold, ...]  # ascending amount
    staff_limit: Decimal | None  # what front-line staff may grant alone
    settlement_required: bool  # a settlement agreement closes a paid claim
    counterfeit: CounterfeitRule | None
    injury_items: tuple[InjuryItem, ...]
    withdrawal: tuple[WithdrawalRule, ...]
    source: str

    def approver_for(self, amount: Decimal) -> str | None:
        """Position that must approve ``amount``: the highest threshold it reaches."""
        approver = None
        for threshold in self.thresholds:
            if threshold.applies(amount):
                approver = threshold.approver
        return approver


@dataclass(frozen=True)
class EmergencyLevel:
    """A response level for a customer's excessive behaviour (on-site handling)."""

    code: str
    name: str
    rank: int
    trigger: str
    actions: tuple[str, ...]
    notify: tuple[str, ...]
    call_police: bool
    source: str


@dataclass(frozen=True)
class IntakePolicy:
    walk_in_signature: bool  # walk-in customers confirm the record
    repeat_open: str  # "urge": a new contact about an open case urges it
    repeat_closed: str  # "new_case": about a closed case opens a linked new case
    dissatisfaction_reason_required: bool
    max_representatives: int | None  # joint complaints choose at most this many
    recusal: bool  # a complained-about or interested person never handles the case
    reporter_confidential: bool
    real_name_reports: bool
    after_hours_next_working_day: bool  # received at night/holiday: clocks start next workday
    source: str


@dataclass(frozen=True)
class Analysis:
    period: str  # month | quarter
    due_day: int | None
    by: tuple[str, ...]
    source: str
