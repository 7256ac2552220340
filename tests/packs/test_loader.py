"""Loader: a valid pack loads; each kind of mistake is refused at its file, line and field."""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from tests.packs.samples import MINIMAL, edit, line_of, minimal_pack
from tousu.packs.loader import PackError, load_pack_file, load_pack_text
from tousu.rules.durations import Duration


def test_minimal_pack_loads_with_checksum_of_its_text():
    pack = minimal_pack()
    assert pack.code == "demo"
    assert pack.request_types == ("inquiry", "complaint")
    assert pack.checksum == hashlib.sha256(MINIMAL.encode()).hexdigest()
    assert dict(pack.invalid_reasons) == {"malicious": "恶意", "time_barred": "超过时效"}


def test_pack_is_immutable():
    pack = minimal_pack()
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.code = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("category", "route"),
    [
        pytest.param("facilities", "repair", id="own_route_case"),
        pytest.param("lift", "repair", id="inherits_parent_route_case"),
        pytest.param("service", "front_desk", id="falls_back_to_default_case"),
        pytest.param("no_such", "front_desk", id="unknown_category_gets_default_case"),
    ],
)
def test_route_for(category, route):
    assert minimal_pack().route_for(category) == route


@pytest.mark.parametrize(
    ("severity", "expected_resolve"),
    [
        pytest.param("minor", Duration.parse("2d"), id="base_policy_case"),
        pytest.param("major", Duration.parse("1d"), id="severity_overrides_base_case"),
    ],
)
def test_sla_most_specific_policy_wins(severity, expected_resolve):
    sla = minimal_pack().sla_for(severity=severity, request_type="complaint", category="lift")
    assert sla.clocks["resolve"] == expected_resolve
    assert sla.clocks["dispatch"] == Duration.parse("10min")  # inherited from the base


@pytest.mark.parametrize(
    ("amount", "approver"),
    [
        pytest.param("199", None, id="below_all_case"),
        pytest.param("200", None, id="exclusive_threshold_not_reached_case"),
        pytest.param("200.01", "manager", id="above_exclusive_case"),
        pytest.param("500", "general_manager", id="inclusive_threshold_reached_case"),
    ],
)
def test_compensation_approver(amount, approver):
    compensation = minimal_pack().compensation
    assert compensation is not None
    assert compensation.approver_for(Decimal(amount)) == approver


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        pytest.param({"power_cut": True, "floor": "ground"}, "close_at_window", id="power_case"),
        pytest.param({"power_cut": False, "floor": "upper"}, "dispatch", id="dispatch_case"),
    ],
)
def test_script_decides(answers, outcome):
    script = minimal_pack().script("lift_stuck")
    assert script is not None
    rule = script.decide(answers)
    assert rule is not None and rule.outcome == outcome


def test_error_text_is_file_line_field_problem():
    error = PackError("x.yaml", 7, "severities[1].rank", "bad")
    assert str(error) == "x.yaml:7: severities[1].rank: bad"


# (old fragment, new fragment, field, words in the problem, fragment on the offending line)
ERRORS = [
    pytest.param(
        "name: 示例行业",
        "name: [示例行业",
        "(syntax)",
        "YAML syntax error",
        "version:",
        id="yaml_syntax_case",
    ),
    pytest.param(
        'version: "2026.1"\n',
        'version: "2026.1"\ncolour: red\n',
        "colour",
        "unknown field 'colour'",
        "colour: red",
        id="unknown_top_field_case",
    ),
    pytest.param(
        "{code: lift, name: 电梯,",
        "{code: lift, colour: red, name: 电梯,",
        "categories[1].colour",
        "unknown field",
        "colour: red",
        id="unknown_nested_field_case",
    ),
    pytest.param(
        'version: "2026.1"\n',
        "",
        "version",
        "is required",
        "code: demo",
        id="missing_top_field_case",
    ),
    pytest.param(
        "name: 重大, rank: 2,",
        "name: 重大, rank: two,",
        "severities[1].rank",
        "expected a whole number",
        "rank: two",
        id="wrong_type_case",
    ),
    pytest.param(
        "parent: facilities",
        "parent: nowhere",
        "categories[1].parent",
        "parent 'nowhere' is not a category",
        "parent: nowhere",
        id="dangling_parent_case",
    ),
    pytest.param(
        "{code: service,",
        "{code: facilities,",
        "categories[2].code",
        "duplicate category code 'facilities'",
        "{code: facilities, name: 服务",
        id="duplicate_code_case",
    ),
    pytest.param(
        "route: repair, source",
        "route: repair, parent: lift, source",
        "categories[0].parent",
        "parent chain loops",
        "parent: lift, source",
        id="category_cycle_case",
    ),
    pytest.param(
        "name: 重大, rank: 2,",
        "name: 重大, rank: 1,",
        "severities[1].rank",
        "ranks must rise strictly",
        "name: 重大",
        id="non_monotone_ladder_case",
    ),
    pytest.param(
        "default_severity: minor",
        "default_severity: grave",
        "default_severity",
        "unknown severity 'grave'",
        "default_severity",
        id="default_not_in_ladder_case",
    ),
    pytest.param(
        "resolve: 2d,",
        "resolve: 2 days,",
        "sla.policies[0].resolve",
        "'2 days' is not a duration",
        "resolve: 2 days",
        id="bad_duration_case",
    ),
    pytest.param(
        "rejection_limit: 2",
        "rejection_limit: -1",
        "rejection_limit",
        "must not be negative",
        "rejection_limit",
        id="negative_number_case",
    ),
    pytest.param(
        "months: 24",
        "months: 0",
        "validity.time_bars[0].months",
        "must be at least 1",
        "months: 0",
        id="zero_months_case",
    ),
    pytest.param(
        "[inquiry, complaint]",
        "[inquiry, praise]",
        "request_types[1]",
        "unknown request type 'praise'",
        "request_types",
        id="bad_request_type_case",
    ),
    pytest.param(
        "route: repair, source",
        "route: plumbing, source",
        "categories[0].route",
        "unknown routing key 'plumbing'",
        "route: plumbing",
        id="undeclared_routing_key_case",
    ),
    pytest.param(
        "role: handler}",
        "role: janitor}",
        "positions.handler.role",
        "unknown role 'janitor'",
        "role: janitor",
        id="unknown_role_case",
    ),
    pytest.param(
        "approver: manager,",
        "approver: boss,",
        "compensation.approvals[0].approver",
        "unknown position 'boss'",
        "approver: boss",
        id="unknown_position_case",
    ),
    pytest.param(
        "amount: 500,",
        "amount: 100,",
        "compensation.approvals[1].amount",
        "amounts must rise",
        "amount: 100",
        id="thresholds_not_rising_case",
    ),
    pytest.param(
        'progress_due_by: "17:00"',
        'progress_due_by: "5pm"',
        "sla.policies[1].progress_due_by",
        "not a time of day",
        "5pm",
        id="bad_time_of_day_case",
    ),
    pytest.param(
        "{code: major, severity: major,",
        "{code: again,",
        "sla.policies[1]",
        "matches exactly the same cases",
        "code: again",
        id="ambiguous_policies_case",
    ),
    pytest.param(
        "economic_loss: {at_least: 500}",
        "luck: {at_least: 500}",
        "grading[0].when.luck",
        "unknown field 'luck'",
        "luck:",
        id="unknown_fact_case",
    ),
    pytest.param(
        "malicious: true}",
        "malicious: maybe}",
        "validity.reasons[0].malicious",
        "expected true or false",
        "malicious: maybe",
        id="bool_expected_case",
    ),
    pytest.param(
        "warning_margin: 1h\n",
        "warning_margin: 1h\n  warning_margin: 2h\n",
        "sla.warning_margin",
        "field given twice",
        "warning_margin: 2h",
        id="duplicate_key_case",
    ),
    pytest.param(
        "      - when: {power_cut: false, floor: [ground, upper]}",
        "      - when: {power_cut: false, floor: [ground]}",
        "scripts[0].rules",
        "no rule decides the answers (power_cut=false, floor=upper)",
        "    rules:",
        id="script_not_covering_case",
    ),
    pytest.param(
        "      - when: {power_cut: false, floor: [ground, upper]}",
        "      - when: {floor: [ground, upper]}\n"
        "        outcome: consult\n"
        "      - when: {power_cut: false}",
        "scripts[0].rules[2]",
        "can never apply",
        "- when: {power_cut: false}",
        id="unreachable_rule_case",
    ),
    pytest.param(
        "      - when: {power_cut: true}\n",
        "      - otherwise: true\n        outcome: consult\n      - when: {power_cut: true}\n",
        "scripts[0].rules[0]",
        "otherwise: true may only be the last rule",
        "- otherwise: true",
        id="otherwise_not_last_case",
    ),
    pytest.param(
        "        target: repair\n",
        "",
        "scripts[0].rules[1].target",
        "needs a target routing key",
        "floor: [ground, upper]",
        id="dispatch_without_target_case",
    ),
    pytest.param(
        "when: {power_cut: true}",
        "when: {power_off: true}",
        "scripts[0].rules[0].when.power_off",
        "unknown field 'power_off'",
        "power_off",
        id="unknown_question_case",
    ),
    pytest.param(
        "wording: power_cut\n",
        "wording: power_outage\n",
        "scripts[0].rules[0].wording",
        "unknown wording 'power_outage'",
        "power_outage",
        id="unknown_wording_case",
    ),
    pytest.param(
        "floor: [ground, upper]",
        "floor: [ground, roof]",
        "scripts[0].rules[1].when.floor[1]",
        "unknown choice 'roof'",
        "roof",
        id="unknown_choice_case",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "problem", "on_line"), ERRORS)
def test_refuses(old, new, field, problem, on_line):
    text = edit(old, new)
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "demo.yaml")
    error = caught.value
    assert (error.file, error.field) == ("demo.yaml", field), str(error)
    assert problem in error.problem, str(error)
    expected_line = line_of(on_line, text) if on_line else line_of(new.strip() or old, text)
    assert error.line == expected_line, str(error)
    assert str(error) == f"demo.yaml:{error.line}: {field}: {error.problem}"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        pytest.param("", "(file)", "empty", id="empty_file_case"),
        pytest.param("- a\n- b\n", "(file)", "expected a mapping", id="list_at_top_case"),
        pytest.param("code: x\n", "name", "is required", id="almost_empty_case"),
    ],
)
def test_refuses_degenerate_files(text, field, problem):
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "bad.yaml")
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_load_pack_file_names_the_path(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(edit("rank: 2,", "rank: 1,"), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack_file(path)
    assert str(caught.value).startswith(f"{path}:")


def test_load_pack_file_missing_file(tmp_path: Path):
    with pytest.raises(PackError) as caught:
        load_pack_file(tmp_path / "absent.yaml")
    assert caught.value.field == "(file)"
