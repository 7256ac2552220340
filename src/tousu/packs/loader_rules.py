"""Reading the rule sections of a pack: grading, reporting, SLA, compensation, intake.

Each ``read_*`` function takes the section's node and the ``Refs`` gathered so far, so a
reference to an unknown severity, position or category is refused at its own line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

import yaml

from tousu.packs import schema_rules as sr
from tousu.packs.yaml_reader import MapView, Reader
from tousu.rules.durations import Duration
from tousu.rules.office_hours import OfficeHours, OfficeHoursError, format_range, parse_range


@dataclass(frozen=True)
class Refs:
    """Codes declared so far in the file, for checking references."""

    request_types: tuple[str, ...]
    routing_keys: frozenset[str]
    positions: frozenset[str]
    categories: frozenset[str] = frozenset()
    severities: tuple[str, ...] = ()
    levels: frozenset[str] = frozenset()


_COMPARISONS = ("at_least", "more_than")


def _compare(r: Reader, node: yaml.Node, path: str, fact: str) -> sr.Condition:
    view = r.mapping(node, path, _COMPARISONS)
    given = [k for k in _COMPARISONS if view.has(k)]
    if len(given) != 1:
        raise r.fail(node, path, "write exactly one of at_least: or more_than:")
    op = given[0]
    value_node, value_path = view.need(op), view.at(op)
    value: int | Decimal | Duration
    if fact in sr.DURATION_FACTS:
        value = r.duration(value_node, value_path)
    elif fact == "economic_loss":
        value = r.amount(value_node, value_path)
    else:
        value = r.integer(value_node, value_path)
    return sr.Condition(fact, op, value)


def _code_set(
    r: Reader, node: yaml.Node, path: str, allowed: Collection[str], what: str
) -> frozenset[str]:
    if isinstance(node, yaml.SequenceNode):
        return frozenset(r.codes(node, path, allowed, what))
    return frozenset({r.ref(node, path, allowed, what)})


def read_conditions(r: Reader, node: yaml.Node, path: str, refs: Refs) -> tuple[sr.Condition, ...]:
    """``when:`` of a grading rule: fact -> true/false, {at_least: n}, or a list of codes."""
    facts = sr.BOOL_FACTS | sr.NUMBER_FACTS | sr.DURATION_FACTS | sr.CODE_FACTS
    view = r.mapping(node, path, facts)
    conditions: list[sr.Condition] = []
    code_sets = {
        "channel": (sr.CHANNELS, "channel"),
        "category": (refs.categories, "category"),
        "request_type": (refs.request_types, "request type"),
    }
    for fact in view.fields():
        value, at = view.need(fact), view.at(fact)
        if fact in sr.BOOL_FACTS:
            conditions.append(sr.Condition(fact, "is", r.boolean(value, at)))
        elif fact in code_sets:
            allowed, what = code_sets[fact]
            conditions.append(sr.Condition(fact, "in", _code_set(r, value, at, allowed, what)))
        else:
            conditions.append(_compare(r, value, at, fact))
    if not conditions:
        raise r.fail(node, path, "name at least one fact to test")
    return tuple(conditions)


_RULE_FIELDS = (
    "code",
    "name",
    "when",
    "severity",
    "escalation_level",
    "notify",
    "priority",
    "source",
)


def read_grading(
    r: Reader, node: yaml.Node | None, path: str, refs: Refs
) -> tuple[sr.GradingRule, ...]:
    if node is None:
        return ()
    rules: list[sr.GradingRule] = []
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _RULE_FIELDS)
        rule = sr.GradingRule(
            code=v.code("code"),
            name=v.text("name"),
            conditions=read_conditions(r, v.need("when"), v.at("when"), refs),
            severity=v.opt_ref("severity", refs.severities, "severity"),
            escalation_level=v.opt_ref("escalation_level", refs.levels, "escalation level"),
            notify=v.refs("notify", refs.positions, "position"),
            priority=v.boolean("priority", False),
            source=v.text("source"),
        )
        if rule.severity is None and rule.escalation_level is None and not rule.priority:
            raise r.fail(item, item_path, "a rule must set severity, escalation_level or priority")
        if rule.code in {x.code for x in rules}:
            raise r.fail(v.need("code"), v.at("code"), f"duplicate rule code '{rule.code}'")
        rules.append(rule)
    return tuple(rules)


_DUTY_FIELDS = (
    "severity",
    "notify",
    "within",
    "update_every",
    "final_report",
    "quality_brief",
    "corrective_action",
    "source",
)


def read_reporting(
    r: Reader, node: yaml.Node | None, path: str, refs: Refs
) -> tuple[sr.ReportingDuty, ...]:
    if node is None:
        return ()
    duties: list[sr.ReportingDuty] = []
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _DUTY_FIELDS)
        severity = v.ref("severity", refs.severities, "severity")
        if severity in {d.severity for d in duties}:
            raise r.fail(
                v.need("severity"),
                v.at("severity"),
                f"severity '{severity}' already has its reporting duty",
            )
        final = tuple(r.text(n, p) for p, n in v.items("final_report", required=False))
        duties.append(
            sr.ReportingDuty(
                severity=severity,
                notify=v.refs("notify", refs.positions, "position"),
                within=v.opt_duration("within"),
                update_every=v.opt_duration("update_every"),
                final_report=final,
                quality_brief=v.boolean("quality_brief", False),
                corrective_action=v.boolean("corrective_action", False),
                source=v.text("source"),
            )
        )
    return tuple(duties)


_POLICY_FIELDS = (
    "code",
    "severity",
    "request_type",
    "category",
    "progress_every",
    "progress_due_by",
    "lead",
    "lead_within",
    "source",
    *sr.CLOCKS,
)


def _read_policy(r: Reader, item: yaml.Node, path: str, refs: Refs) -> sr.SlaPolicy:
    v = r.mapping(item, path, _POLICY_FIELDS)
    clocks = {name: v.duration(name) for name in sr.CLOCKS if v.get(name) is not None}
    due_by = v.get("progress_due_by")
    policy = sr.SlaPolicy(
        code=v.code("code"),
        severity=v.opt_ref("severity", refs.severities, "severity"),
        request_type=v.opt_ref("request_type", refs.request_types, "request type"),
        category=v.opt_ref("category", refs.categories, "category"),
        clocks=MappingProxyType(clocks),
        progress_every=v.opt_duration("progress_every"),
        progress_due_by=None if due_by is None else r.time_of_day(due_by, v.at("progress_due_by")),
        lead=v.opt_ref("lead", refs.positions, "position"),
        lead_within=v.opt_duration("lead_within"),
        source=v.text("source"),
    )
    if not clocks and policy.progress_every is None and policy.lead is None:
        raise r.fail(
            item,
            path,
            "a policy must set at least one clock ("
            + ", ".join(sr.CLOCKS)
            + "), progress_every or lead",
        )
    if (policy.lead is None) != (policy.lead_within is None):
        raise r.fail(item, path, "lead and lead_within go together")
    return policy


def _read_policies(r: Reader, v: MapView, refs: Refs) -> tuple[sr.SlaPolicy, ...]:
    policies: list[sr.SlaPolicy] = []
    for item_path, item in v.items("policies"):
        policy = _read_policy(r, item, item_path, refs)
        for other in policies:
            if other.code == policy.code:
                raise r.fail(item, item_path, f"duplicate policy code '{policy.code}'")
            same = (other.severity, other.request_type, other.category) == (
                policy.severity,
                policy.request_type,
                policy.category,
            )
            if same:
                raise r.fail(
                    item,
                    item_path,
                    f"matches exactly the same cases as policy '{other.code}': merge them",
                )
        policies.append(policy)
    return tuple(policies)


_STATUTORY_FIELDS = (
    "reply",
    "complex_reply",
    "extension",
    "extension_approver",
    "applies_to",
    "rule",
    "source",
)


def _read_statutory(v: MapView | None, refs: Refs) -> sr.StatutoryLimits | None:
    if v is None:
        return None
    return sr.StatutoryLimits(
        reply=v.duration("reply"),
        complex_reply=v.opt_duration("complex_reply"),
        extension=v.opt_duration("extension"),
        extension_approver=v.opt_ref("extension_approver", refs.positions, "position"),
        applies_to=frozenset(v.refs("applies_to", refs.request_types, "request type")),
        rule=v.text("rule"),
        source=v.text("source"),
    )


_STEP_FIELDS = ("code", "after", "notify", "mark_overdue", "raise_severity", "source")


def _read_steps(r: Reader, v: MapView, refs: Refs) -> tuple[sr.EscalationStep, ...]:
    steps: list[sr.EscalationStep] = []
    for item_path, item in v.items("escalation", required=False):
        s = r.mapping(item, item_path, _STEP_FIELDS)
        step = sr.EscalationStep(
            code=s.code("code"),
            after=s.duration("after"),
            notify=s.refs("notify", refs.positions, "position"),
            mark_overdue=s.boolean("mark_overdue", False),
            raise_severity=s.boolean("raise_severity", False),
            source=s.text("source"),
        )
        if step.code in {x.code for x in steps}:
            raise r.fail(s.need("code"), s.at("code"), f"duplicate step code '{step.code}'")
        steps.append(step)
    return tuple(steps)


def _read_approvers(r: Reader, v: MapView, refs: Refs) -> MappingProxyType[str, str]:
    node = v.get("extension_approvers")
    if node is None:
        return MappingProxyType({})
    view = r.mapping(node, v.at("extension_approvers"), refs.severities)
    return MappingProxyType(
        {key: view.ref(key, refs.positions, "position") for key in view.fields()}
    )


_SLA_FIELDS = (
    "policies",
    "statutory",
    "escalation",
    "warning_margin",
    "extension_approvers",
    "pause_on_customer",
    "customer_time_overrides",
    "office_hours",
    "source",
)


def read_sla(r: Reader, node: yaml.Node, path: str, refs: Refs) -> sr.SlaSection:
    v = r.mapping(node, path, _SLA_FIELDS)
    return sr.SlaSection(
        policies=_read_policies(r, v, refs),
        statutory=_read_statutory(v.opt_sub("statutory", _STATUTORY_FIELDS), refs),
        escalation=_read_steps(r, v, refs),
        warning_margin=v.duration("warning_margin"),
        extension_approvers=_read_approvers(r, v, refs),
        pause_on_customer=v.boolean("pause_on_customer", True),
        customer_time_overrides=v.boolean("customer_time_overrides", False),
        source=v.text("source"),
        office_hours=_read_office_hours(r, v),
    )


def _read_office_hours(r: Reader, v: MapView) -> OfficeHours | None:
    """``office_hours: ["08:30-12:00", "13:30-17:30"]``: each range checked where it stands,
    then the overlaps (reported at the later of the two ranges)."""
    node = v.get("office_hours")
    if node is None:
        return None
    found: list[tuple[tuple[dt.time, dt.time], str, yaml.Node]] = []
    for item_path, item in r.items(node, v.at("office_hours")):
        try:
            found.append((parse_range(r.scalar(item, item_path)), item_path, item))
        except OfficeHoursError as exc:
            raise r.fail(item, item_path, str(exc)) from None
    if not found:
        raise r.fail(node, v.at("office_hours"), 'list at least one range, e.g. "08:30-12:00"')
    try:
        return OfficeHours.of(found_range for found_range, _, _ in found)
    except OfficeHoursError as exc:
        # the later of the two ranges: the last one in the file written that way
        at = [(path, item) for key, path, item in found if format_range(key) == exc.part]
        item_path, item = at[-1] if at else (v.at("office_hours"), node)
        raise r.fail(item, item_path, str(exc)) from None
