"""Reading compensation, emergency levels, intake and analysis sections of a pack."""

from __future__ import annotations

import yaml

from tousu.packs import schema_rules as sr
from tousu.packs.loader_rules import Refs
from tousu.packs.yaml_reader import MapView, Reader

_THRESHOLD_FIELDS = ("amount", "inclusive", "approver", "source")


def _thresholds(r: Reader, v: MapView, refs: Refs) -> tuple[sr.ApprovalThreshold, ...]:
    found: list[sr.ApprovalThreshold] = []
    for item_path, item in v.items("approvals", required=False):
        t = r.mapping(item, item_path, _THRESHOLD_FIELDS)
        amount = t.opt_amount("amount")
        if amount is None:
            raise r.fail(item, t.at("amount"), "is required")
        threshold = sr.ApprovalThreshold(
            amount=amount,
            inclusive=t.boolean("inclusive"),
            approver=t.ref("approver", refs.positions, "position"),
            source=t.text("source"),
        )
        if found and threshold.amount <= found[-1].amount:
            raise r.fail(
                t.need("amount"),
                t.at("amount"),
                f"amounts must rise: {threshold.amount} follows {found[-1].amount}",
            )
        found.append(threshold)
    return tuple(found)


_COUNTERFEIT_FIELDS = ("multiple", "freeze_supplier_payment", "notify_supplier", "source")


def _counterfeit(v: MapView | None) -> sr.CounterfeitRule | None:
    if v is None:
        return None
    return sr.CounterfeitRule(
        multiple=v.integer("multiple", minimum=1),
        freeze_supplier_payment=v.boolean("freeze_supplier_payment", False),
        notify_supplier=v.boolean("notify_supplier", False),
        source=v.text("source"),
    )


_INJURY_FIELDS = (
    "code",
    "name",
    "basis",
    "multiple_min",
    "multiple_max",
    "until_age",
    "years",
    "source",
)
INJURY_BASES = ("actual_cost", "base_multiple", "base_years")


def _injury_items(r: Reader, v: MapView) -> tuple[sr.InjuryItem, ...]:
    items: list[sr.InjuryItem] = []
    for item_path, node in v.items("injury_items", required=False):
        i = r.mapping(node, item_path, _INJURY_FIELDS)
        item = sr.InjuryItem(
            code=i.code("code"),
            name=i.text("name"),
            basis=i.ref("basis", INJURY_BASES, "basis"),
            multiple_min=i.opt_integer("multiple_min"),
            multiple_max=i.opt_integer("multiple_max"),
            until_age=i.opt_integer("until_age"),
            years=i.opt_integer("years"),
            source=i.text("source"),
        )
        low, high = item.multiple_min, item.multiple_max
        if item.basis == "base_multiple" and (low is None or high is None or low > high):
            raise r.fail(node, item_path, "base_multiple needs multiple_min <= multiple_max")
        if item.code in {x.code for x in items}:
            raise r.fail(i.need("code"), i.at("code"), f"duplicate item code '{item.code}'")
        items.append(item)
    return tuple(items)


_WITHDRAWAL_FIELDS = ("code", "name", "within", "count", "consecutive_months", "source")


def _withdrawal(r: Reader, v: MapView) -> tuple[sr.WithdrawalRule, ...]:
    rules: list[sr.WithdrawalRule] = []
    for item_path, node in v.items("withdrawal", required=False):
        w = r.mapping(node, item_path, _WITHDRAWAL_FIELDS)
        rule = sr.WithdrawalRule(
            code=w.code("code"),
            name=w.text("name"),
            within=w.opt_duration("within"),
            count=w.opt_integer("count"),
            consecutive_months=w.opt_integer("consecutive_months"),
            source=w.text("source"),
        )
        if rule.code in {x.code for x in rules}:
            raise r.fail(w.need("code"), w.at("code"), f"duplicate rule code '{rule.code}'")
        rules.append(rule)
    return tuple(rules)


_COMPENSATION_FIELDS = (
    "currency",
    "approvals",
    "staff_limit",
    "settlement_required",
    "counterfeit",
    "injury_items",
    "withdrawal",
    "source",
)


def read_compensation(
    r: Reader, node: yaml.Node | None, path: str, refs: Refs
) -> sr.CompensationPolicy | None:
    if node is None:
        return None
    v = r.mapping(node, path, _COMPENSATION_FIELDS)
    return sr.CompensationPolicy(
        currency=v.opt_text("currency", "CNY") or "CNY",
        thresholds=_thresholds(r, v, refs),
        staff_limit=v.opt_amount("staff_limit"),
        settlement_required=v.boolean("settlement_required", False),
        counterfeit=_counterfeit(v.opt_sub("counterfeit", _COUNTERFEIT_FIELDS)),
        injury_items=_injury_items(r, v),
        withdrawal=_withdrawal(r, v),
        source=v.text("source"),
    )


_EMERGENCY_FIELDS = (
    "code",
    "name",
    "rank",
    "trigger",
    "actions",
    "notify",
    "call_police",
    "source",
)


def read_emergency_levels(
    r: Reader, node: yaml.Node | None, path: str, refs: Refs
) -> tuple[sr.EmergencyLevel, ...]:
    if node is None:
        return ()
    levels: list[sr.EmergencyLevel] = []
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _EMERGENCY_FIELDS)
        level = sr.EmergencyLevel(
            code=v.code("code"),
            name=v.text("name"),
            rank=v.integer("rank"),
            trigger=v.text("trigger"),
            actions=tuple(r.text(n, p) for p, n in v.items("actions")),
            notify=v.refs("notify", refs.positions, "position"),
            call_police=v.boolean("call_police", False),
            source=v.text("source"),
        )
        if levels and level.rank <= levels[-1].rank:
            raise r.fail(
                v.need("rank"),
                v.at("rank"),
                f"ranks must rise: {level.rank} follows {levels[-1].rank}",
            )
        if level.code in {x.code for x in levels}:
            raise r.fail(v.need("code"), v.at("code"), f"duplicate code '{level.code}'")
        levels.append(level)
    return tuple(levels)


_INTAKE_FIELDS = (
    "walk_in_signature",
    "repeat_open",
    "repeat_closed",
    "dissatisfaction_reason_required",
    "max_representatives",
    "recusal",
    "reporter_confidential",
    "real_name_reports",
    "after_hours_next_working_day",
    "source",
)


def read_intake(r: Reader, node: yaml.Node, path: str) -> sr.IntakePolicy:
    v = r.mapping(node, path, _INTAKE_FIELDS)
    return sr.IntakePolicy(
        walk_in_signature=v.boolean("walk_in_signature", True),
        repeat_open=v.opt_ref("repeat_open", ("urge", "new_case"), "repeat handling") or "urge",
        repeat_closed=v.opt_ref("repeat_closed", ("new_case", "reopen"), "repeat handling")
        or "new_case",
        dissatisfaction_reason_required=v.boolean("dissatisfaction_reason_required", True),
        max_representatives=v.opt_integer("max_representatives", minimum=1),
        recusal=v.boolean("recusal", True),
        reporter_confidential=v.boolean("reporter_confidential", False),
        real_name_reports=v.boolean("real_name_reports", False),
        after_hours_next_working_day=v.boolean("after_hours_next_working_day", False),
        source=v.text("source"),
    )


ANALYSIS_DIMENSIONS = (
    "category",
    "unit",
    "severity",
    "channel",
    "request_type",
    "responsibility_class",
    "validity",
    "escalation_level",
    "location",
)
_ANALYSIS_FIELDS = ("period", "due_day", "by", "source")


def read_analysis(r: Reader, node: yaml.Node | None, path: str) -> sr.Analysis | None:
    if node is None:
        return None
    v = r.mapping(node, path, _ANALYSIS_FIELDS)
    due_day = v.opt_integer("due_day", minimum=1)
    if due_day is not None and due_day > 31:
        raise r.fail(v.need("due_day"), v.at("due_day"), f"{due_day} is not a day of the month")
    return sr.Analysis(
        period=v.ref("period", ("month", "quarter"), "period"),
        due_day=due_day,
        by=v.refs("by", ANALYSIS_DIMENSIONS, "dimension"),
        source=v.text("source"),
    )
