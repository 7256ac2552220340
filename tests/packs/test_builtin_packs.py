"""The six shipped packs load and carry the seed facts the rest of tousu relies on."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pytest

from tousu.packs.loader import builtin_pack_paths, load_builtin_packs, load_pack_file
from tousu.packs.schema import REQUEST_TYPES, Pack
from tousu.rules.durations import Duration

CODES = ["property", "telecom", "logistics", "retail", "internet", "bank"]
CJK = re.compile(r"[\u4e00-\u9fff]")
D = Duration.parse


@cache
def packs() -> dict[str, Pack]:
    return load_builtin_packs()


def pack(code: str) -> Pack:
    return packs()[code]


def test_six_paths_exist_and_are_named_for_their_code():
    paths = builtin_pack_paths()
    assert [p.stem for p in paths] == CODES
    for path in paths:
        assert load_pack_file(path).code == path.stem


@pytest.mark.parametrize("code", CODES, ids=[f"{c}_case" for c in CODES])
def test_pack_is_coherent(code):
    p = pack(code)
    assert CJK.search(p.name)
    assert re.fullmatch(r"\d{4}\.\d+", p.version)
    assert set(p.request_types) <= set(REQUEST_TYPES) and "complaint" in p.request_types
    assert [s.rank for s in p.severities] == sorted({s.rank for s in p.severities})
    assert p.severity(p.default_severity) is not None
    assert len(p.checksum) == 64
    for category in p.categories:
        assert CJK.search(category.name), category.code
        assert category.source, category.code
        assert p.route_for(category.code) in {k.code for k in p.routing_keys}
    assert {c.code for c in p.responsibility_classes} == {"class1", "class2", "class3"}
    assert p.sla.policies and all(policy.source for policy in p.sla.policies)
    assert all(rule.source for rule in p.grading)
    assert p.follow_up.required_for <= set(p.request_types)


@pytest.mark.parametrize("code", CODES, ids=[f"{c}_case" for c in CODES])
def test_every_severity_has_a_complaint_resolve_limit(code):
    p = pack(code)
    for severity in p.severities:
        clocks = p.clocks_for(severity=severity.code, request_type="complaint", category=None)
        assert "resolve" in clocks and "dispatch" in clocks, severity.code


@pytest.mark.parametrize(
    ("code", "ladder"),
    [
        pytest.param("property", ["轻微", "重要", "重大"], id="property_case"),
        pytest.param("internet", ["一般", "重要", "热点", "重大"], id="internet_case"),
        pytest.param("logistics", ["一般性", "恶性"], id="logistics_case"),
        pytest.param("telecom", ["一般", "重要", "重大"], id="telecom_case"),
        pytest.param("bank", ["一般", "复杂", "重大"], id="bank_case"),
    ],
)
def test_severity_ladders(code, ladder):
    assert [s.name for s in pack(code).severities] == ladder


def test_retail_ladder_tops_with_level_three_major():
    top = pack("retail").severities[-1]
    assert "三级" in top.name and "重大" in top.name


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        pytest.param("property", "malicious", id="property_malicious_case"),
        pytest.param("logistics", "malicious", id="logistics_malicious_case"),
        pytest.param("internet", "malicious", id="internet_malicious_case"),
        pytest.param("telecom", "time_barred", id="telecom_time_bar_case"),
        pytest.param("logistics", "attitude_time_barred", id="logistics_attitude_case"),
    ],
)
def test_invalid_reasons(code, reason):
    assert reason in pack(code).invalid_reasons


def test_malicious_flag():
    assert pack("property").is_malicious("malicious")
    assert not pack("property").is_malicious("untrue")


@pytest.mark.parametrize(
    ("code", "bar", "months", "categories"),
    [
        pytest.param("telecom", "billing_dispute", 5, {"billing"}, id="telecom_billing_case"),
        pytest.param("telecom", "other_dispute", 24, set(), id="telecom_other_case"),
        pytest.param(
            "logistics",
            "attitude",
            1,
            {"service_rude", "service_arrogant"},
            id="logistics_attitude_case",
        ),
    ],
)
def test_time_bars(code, bar, months, categories):
    found = {b.code: b for b in pack(code).validity.time_bars}[bar]
    assert (found.months, set(found.categories)) == (months, categories)


@pytest.mark.parametrize(
    ("code", "category", "route"),
    [
        pytest.param("property", "equipment_elevator", "engineering", id="property_lift_case"),
        pytest.param("property", "security_vehicles", "security", id="property_security_case"),
        pytest.param("property", "service_fees", "property_dept", id="property_fees_case"),
        pytest.param("telecom", "billing_sms_subscription", "sp", id="telecom_sp_case"),
        pytest.param(
            "telecom", "service_ringback", "provincial_maintenance", id="telecom_ringback_case"
        ),
        pytest.param("internet", "harmful_rumour", "content_review", id="internet_report_case"),
        pytest.param("logistics", "business_insurance_claim", "claims", id="logistics_claims_case"),
    ],
)
def test_routing(code, category, route):
    assert pack(code).route_for(category) == route


@pytest.mark.parametrize(
    ("code", "severity", "clock", "limit"),
    [
        pytest.param("property", "minor", "dispatch", "10min", id="property_dispatch_case"),
        pytest.param("property", "minor", "handle", "12h", id="property_handler_case"),
        pytest.param("property", "minor", "first_progress", "24h", id="property_progress_case"),
        pytest.param("property", "minor", "resolve", "2d", id="property_minor_case"),
        pytest.param("property", "important", "resolve", "3d", id="property_important_case"),
        pytest.param("property", "major", "answer", "2d", id="property_major_answer_case"),
        pytest.param("property", "major", "resolve", "10d", id="property_major_resolve_case"),
        pytest.param("internet", "general", "dispatch", "24h", id="internet_review_case"),
        pytest.param("logistics", "general", "answer", "30min", id="logistics_plan_case"),
        pytest.param("retail", "level3", "answer", "3d", id="retail_plan_case"),
        pytest.param("bank", "general", "resolve", "1wd", id="bank_general_case"),
        pytest.param("bank", "complex", "resolve", "5wd", id="bank_complex_case"),
    ],
)
def test_internal_clocks(code, severity, clock, limit):
    clocks = pack(code).clocks_for(severity=severity, request_type="complaint", category=None)
    assert clocks[clock] == D(limit)


@pytest.mark.parametrize(
    ("category", "resolve"),
    [
        pytest.param("billing_sms_subscription", "1wd", id="sp_one_working_day_case"),
        pytest.param("network_phs_sms", "2wd", id="network_two_working_days_case"),
        pytest.param("service_roaming", "2wd", id="roaming_two_working_days_case"),
        pytest.param("handset", "5wd", id="default_case"),
    ],
)
def test_telecom_category_clocks(category, resolve):
    clocks = pack("telecom").clocks_for(
        severity="general", request_type="complaint", category=category
    )
    assert clocks["resolve"] == D(resolve)


def test_property_progress_is_daily_before_five_pm():
    sla = pack("property").sla_for(severity="minor", request_type="complaint", category=None)
    assert sla.progress_every == D("1d")
    assert sla.progress_due_by is not None and sla.progress_due_by.hour == 17


@pytest.mark.parametrize(
    ("severity", "lead", "within"),
    [
        pytest.param("important", "property_manager", "1h", id="important_manager_case"),
        pytest.param("major", "general_manager", "1d", id="major_general_manager_case"),
    ],
)
def test_property_leads(severity, lead, within):
    sla = pack("property").sla_for(severity=severity, request_type="complaint", category=None)
    assert (sla.lead, sla.lead_within) == (lead, D(within))


@pytest.mark.parametrize(
    ("severity", "role", "scope"),
    [
        pytest.param("minor", "manager", "unit", id="minor_by_manager_case"),
        pytest.param("important", "manager", "organisation", id="important_by_gm_case"),
    ],
)
def test_property_extension_approvers(severity, role, scope):
    approver = pack("property").extension_approver(severity)
    assert approver is not None and (approver.role, approver.scope) == (role, scope)


def test_property_has_five_classes_with_refined_children():
    p = pack("property")
    top = [c.name for c in p.children(None)]
    assert top == ["房屋管理类", "设备管理类", "安全管理类", "环境管理类", "综合服务类"]
    assert all(len(p.children(c.code)) >= 5 for c in p.children(None))


def test_property_escalation_ladder_and_collective_rule():
    p = pack("property")
    assert [x.name for x in p.escalation_levels] == ["初级", "中级", "高级", "特级"]
    rules = {r.code: r for r in p.grading}
    (condition,) = rules["collective"].conditions
    assert (condition.fact, condition.op, condition.value) == ("households", "at_least", 5)
    assert rules["repeat_third"].escalation_level == "senior"


@pytest.mark.parametrize(
    ("code", "rule", "fact", "value", "severity"),
    [
        pytest.param("internet", "joint_three", "complainant_count", 3, "hot", id="hot_three_case"),
        pytest.param(
            "internet", "joint_ten", "complainant_count", 10, "major", id="major_ten_case"
        ),
        pytest.param(
            "internet", "same_matter_month", "same_matter_month", 3, "hot", id="hot_month_case"
        ),
        pytest.param(
            "retail", "property_loss", "economic_loss", Decimal(500), "level3", id="retail_500_case"
        ),
    ],
)
def test_threshold_rules(code, rule, fact, value, severity):
    found = {r.code: r for r in pack(code).grading}[rule]
    assert found.severity == severity
    assert any(c.fact == fact and c.value == value for c in found.conditions)


def test_unresolved_upgrades():
    property_rule = {r.code: r for r in pack("property").grading}["unresolved_month"]
    internet_rule = {r.code: r for r in pack("internet").grading}["unresolved_week"]
    assert property_rule.conditions[0].value == D("30d")
    assert any(c.value == D("7d") for c in internet_rule.conditions)


@pytest.mark.parametrize(
    ("amount", "approver"),
    [
        pytest.param("499.99", None, id="below_500_case"),
        pytest.param("500", "general_manager", id="reaching_500_case"),
    ],
)
def test_retail_compensation_threshold_is_inclusive(amount, approver):
    compensation = pack("retail").compensation
    assert compensation is not None
    assert compensation.approver_for(Decimal(amount)) == approver
    assert compensation.counterfeit is not None and compensation.counterfeit.multiple == 2
    assert len(compensation.injury_items) == 9 and len(compensation.withdrawal) == 6


@pytest.mark.parametrize(
    ("code", "reply", "complex_reply", "extension"),
    [
        pytest.param("telecom", "15wd", None, None, id="telecom_15_working_days_case"),
        pytest.param("bank", "15d", "30d", "30d", id="bank_15_30_30_case"),
    ],
)
def test_statutory_limits(code, reply, complex_reply, extension):
    statutory = pack(code).sla.statutory
    assert statutory is not None
    assert statutory.reply == D(reply)
    assert statutory.complex_reply == (D(complex_reply) if complex_reply else None)
    assert statutory.extension == (D(extension) if extension else None)


def test_bank_intake_and_emergency_levels():
    p = pack("bank")
    assert p.intake.max_representatives == 5 and p.intake.recusal
    assert [e.call_police for e in p.emergency_levels] == [False, False, True]


def test_internet_reports_are_confidential_and_next_working_day():
    intake = pack("internet").intake
    assert intake.reporter_confidential and intake.after_hours_next_working_day
    assert "report" in pack("internet").request_types
