"""Severity and escalation grading from facts, per seed rule; grading is monotone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tousu.packs.loader import load_builtin_packs
from tousu.packs.schema import Pack
from tousu.packs.schema_rules import BOOL_FACTS, NUMBER_FACTS
from tousu.rules.grading import (
    channel_facts,
    final_offer_rejected,
    grade,
    repeat_count,
    severity_from,
)

PACKS = load_builtin_packs()


def graded(pack: Pack, facts: dict, category: str = "") -> tuple[str, str, list[str]]:
    """(severity, escalation level, rules named) for a new case with these facts."""
    lineage = [c.code for c in pack.lineage(category)] if category else []
    first_level = pack.escalation_levels[0].code if pack.escalation_levels else ""
    ups = grade(
        pack.grading,
        {"category": category, **facts},
        severity_ranks={s.code: s.rank for s in pack.severities},
        level_ranks={lv.code: lv.rank for lv in pack.escalation_levels},
        current_severity=pack.default_severity,
        current_level=first_level,
        lineage=lineage,
    )
    by_field = {u.field: u for u in ups}
    severity = by_field["severity"].code if "severity" in by_field else pack.default_severity
    level = by_field["escalation_level"].code if "escalation_level" in by_field else first_level
    return severity, level, [u.rule for u in ups]


# (id, pack, facts, severity, escalation level, rules that raised it)
CASES = [
    # seed 001 › 物业管理公司…管理制度 › (四), (五)5
    ("seed001_2.6_first_complaint_primary", "property", {"repeat_count": 1},
     "minor", "primary", []),
    ("seed001_2.6_repeat_2_intermediate", "property", {"repeat_count": 2},
     "minor", "intermediate", ["repeat_second"]),
    ("seed001_2.6_repeat_3_senior", "property", {"repeat_count": 3},
     "minor", "senior", ["repeat_third"]),
    ("seed001_2.6_forwarded_by_leadership_senior", "property", {"forwarded_by_leadership": True},
     "minor", "senior", ["forwarded_by_leadership"]),
    ("seed001_2.6_final_offer_rejected_special", "property", {"final_offer_rejected": True},
     "minor", "special", ["final_offer_rejected"]),
    # seed 001 › 物业服务投诉处理范本 › 二(一)e: collective ≥ 5 households
    ("seed001_2.5e_five_households_major", "property", {"households": 5},
     "major", "special", ["collective", "collective"]),
    ("seed001_2.5e_four_households_not_collective", "property", {"households": 4},
     "minor", "primary", []),
    # seed 001 › 物业管理服务项目…处理规程 › 四3
    ("seed001_2.4a_promise_missing_once_not_major", "property",
     {"promised_service_missing": True, "repeat_count": 1}, "minor", "primary", []),
    ("seed001_2.4a_promise_missing_repeatedly_major", "property",
     {"promised_service_missing": True, "repeat_count": 2},
     "major", "intermediate", ["promise_broken_repeatedly", "repeat_second"]),
    ("seed001_2.4b_injury_our_fault_major", "property", {"injury": True, "our_fault": True},
     "major", "primary", ["injury"]),
    ("seed001_2.4b_injury_not_our_fault", "property", {"injury": True}, "minor", "primary", []),
    ("seed001_2.4c_unresolved_30_days_major", "property",
     {"unresolved_for": timedelta(days=30)}, "major", "primary", ["unresolved_month"]),
    ("seed001_2.4c_unresolved_29_days", "property",
     {"unresolved_for": timedelta(days=29, hours=23)}, "minor", "primary", []),
    ("seed001_2.4_staff_error_important", "property", {"staff_error": True},
     "important", "primary", ["staff_error"]),
    ("seed001_2.5d_regulator_major_special", "property", {"regulator": True},
     "major", "special", ["government_or_media", "government_or_media"]),
    # seed 004 › 顾客投诉办理制度 › 一
    ("seed004_2.9_three_people_same_matter_month_hot", "internet", {"same_matter_month": 3},
     "hot", "", ["same_matter_month"]),
    ("seed004_2.9_two_people_general", "internet", {"same_matter_month": 2},
     "general", "", []),
    ("seed004_2.9_ten_complainants_major", "internet",
     {"complainant_count": 10, "same_matter_month": 10}, "major", "", ["joint_ten"]),
    ("seed004_2.9_unresolved_week_our_fault_hot", "internet",
     {"our_fault": True, "unresolved_for": timedelta(days=7)}, "hot", "", ["unresolved_week"]),
    ("seed004_2.9_unresolved_month_our_fault_major", "internet",
     {"our_fault": True, "unresolved_for": timedelta(days=30)}, "major", "",
     ["unresolved_month"]),
    ("seed004_2.9_second_after_closure_important", "internet", {"closed_before": True},
     "important", "", ["second_after_closure"]),
    # seed 003 › 重大投诉处理流程 › 三2.3: reaching (达) 500 yuan
    ("seed003_2.3_loss_500_level3", "retail", {"economic_loss": 500}, "level3", "",
     ["property_loss"]),
    ("seed003_2.3_loss_499_level1", "retail", {"economic_loss": 499}, "level1", "", []),
    ("seed003_2.4_counterfeit_level3", "retail", {"counterfeit": True}, "level3", "",
     ["counterfeit"]),
    ("seed003_2.6_media_threatened_level3", "retail", {"media_threatened": True}, "level3", "",
     ["media_threatened"]),
    # seed 000 › 电信投诉处理管理办法 › 一㈡
    ("seed000_1.3_escalated_from_regulator_important", "telecom", {"channel": "regulator"},
     "important", "", ["escalated"]),
    ("seed000_1.3_repeat_after_result_important", "telecom", {"closed_before": True},
     "important", "", ["repeat_after_result"]),
    ("seed000_1.3_batch_five_important", "telecom", {"complainant_count": 5}, "important", "",
     ["batch"]),
    ("seed000_1.3_media_major", "telecom", {"media": True}, "major", "", ["media"]),
    # seed 002 › 篇一 › 第十条 and 篇三 › 三
    ("seed002_6_media_vicious", "logistics", {"media": True}, "vicious", "", ["media"]),
    ("seed002_3.3_violence_major", "bank", {"violence": True}, "major", "", ["violence"]),
    ("seed002_3.3_disrupts_business_major", "bank", {"disrupts_business": True}, "major", "",
     ["disrupts_business"]),
    ("seed001_3_bank_group_complaint_major", "bank", {"complainant_count": 5}, "major", "",
     ["group_complaint"]),
]


@pytest.mark.parametrize(("pack", "facts", "severity", "level", "rules"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_grading_rule(pack, facts, severity, level, rules):
    assert graded(PACKS[pack], facts) == (severity, level, rules)


def test_grade_never_lowers_the_current_grade():
    pack = PACKS["property"]
    ups = grade(pack.grading, {"staff_error": True},
                severity_ranks={s.code: s.rank for s in pack.severities},
                level_ranks={lv.code: lv.rank for lv in pack.escalation_levels},
                current_severity="major", current_level="special")
    assert ups == []


CHANNELS = [
    ("spec4_media_channel_is_media", "media", {"media": True}),
    ("spec4_regulator_channel_is_regulator", "regulator", {"regulator": True}),
    ("spec4_phone_adds_nothing", "phone", {}),
]


@pytest.mark.parametrize(("channel", "facts"), [c[1:] for c in CHANNELS],
                         ids=[c[0] for c in CHANNELS])
def test_channel_facts(channel, facts):
    assert channel_facts(channel) == facts


def test_media_channel_upgrades_in_every_pack_with_a_media_rule():
    for pack in PACKS.values():
        if any(c.fact == "media" for r in pack.grading for c in r.conditions):
            severity, _level, _rules = graded(pack, channel_facts("media"))
            assert severity != pack.default_severity, pack.code


REJECTIONS = [
    ("seed001_2.6_final_offer_marked_final", 1, 2, True, True),
    ("seed001_2.6_second_rejection_reaches_the_limit", 2, 2, False, True),
    ("seed001_2.6_first_rejection_below_the_limit", 1, 2, False, False),
    ("pack_without_automatic_upgrade", 5, 0, False, False),
]


@pytest.mark.parametrize(("count", "limit", "final", "expected"), [r[1:] for r in REJECTIONS],
                         ids=[r[0] for r in REJECTIONS])
def test_final_offer_rejected(count, limit, final, expected):
    assert final_offer_rejected(count, limit, final) is expected


REPEATS = [
    ("spec3_first_contact", 0, [], 1),
    ("spec3_one_urge", 1, [], 2),
    ("spec3_two_urges", 2, [], 3),
    ("spec3_new_case_after_closed_one", 0, [0], 2),
    ("spec3_chain_with_urges", 1, [1, 0], 5),
]


@pytest.mark.parametrize(("urges", "earlier", "expected"), [r[1:] for r in REPEATS],
                         ids=[r[0] for r in REPEATS])
def test_repeat_count(urges, earlier, expected):
    assert repeat_count(urges, earlier) == expected


# ---------------------------------------------------------------- monotone (hypothesis)

BOOLS = sorted(BOOL_FACTS)
NUMBERS = sorted(NUMBER_FACTS)
facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.booleans() for name in BOOLS},
        **{name: st.integers(min_value=0, max_value=2000) for name in NUMBERS},
        "unresolved_for": st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
    },
)
more_strategy = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.just(True) for name in BOOLS},
        **{name: st.integers(min_value=0, max_value=2000) for name in NUMBERS},
        "unresolved_for": st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
    },
)


def more_serious(facts: dict, extra: dict) -> dict:
    """``facts`` with ``extra`` added: yes/no facts only turn on, numbers and ages only grow."""
    out = dict(facts)
    for key, value in extra.items():
        if isinstance(value, bool):
            out[key] = True
        elif isinstance(value, timedelta):
            out[key] = (out.get(key) or timedelta(0)) + value
        else:
            out[key] = (out.get(key) or 0) + value
    return out


def ranks(pack: Pack, facts: dict, category: str, channel: str) -> tuple[int, int]:
    severity, level, _ = graded(pack, {**facts, "channel": channel}, category)
    level_rank = pack.escalation_level(level).rank if level else 0
    return pack.severity(severity).rank, level_rank


@pytest.mark.parametrize("code", sorted(PACKS), ids=[f"{c}_case" for c in sorted(PACKS)])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_adding_a_more_serious_fact_never_lowers_the_grade(code, data):
    pack = PACKS[code]
    category = data.draw(st.sampled_from(["", *[c.code for c in pack.categories]]))
    channel = data.draw(st.sampled_from(["phone", "web", "media", "regulator", "headquarters"]))
    facts = data.draw(facts_strategy)
    more = more_serious(facts, data.draw(more_strategy))
    before = ranks(pack, facts, category, channel)
    after = ranks(pack, more, category, channel)
    assert after[0] >= before[0], (facts, more)
    assert after[1] >= before[1], (facts, more)


@pytest.mark.parametrize("code", sorted(PACKS), ids=[f"{c}_case" for c in sorted(PACKS)])
def test_no_rule_tests_for_a_fact_being_absent(code):
    """Monotone by construction: no condition asks for a yes/no fact to be false."""
    for rule in PACKS[code].grading:
        for condition in rule.conditions:
            assert not (condition.op == "is" and condition.value is False), rule.code


def test_severity_from_starts_at_the_default():
    pack = PACKS["internet"]
    ranks_ = {s.code: s.rank for s in pack.severities}
    assert severity_from(pack.grading, {}, severity_ranks=ranks_, start="general") == "general"
    assert severity_from(pack.grading, {"media": True}, severity_ranks=ranks_,
                         start="general") == "major"
