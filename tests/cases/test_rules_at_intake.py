"""The rules engine applied by the services: validity and time bars at intake, incidents,
repeat and rejection upgrades, media/regulator channels, scripts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import act, at, intake
from tousu.cases.models import Case, CaseSerial, Customer, Event, Incident
from tousu.cases.services import SYSTEM, CustomerData
from tousu.cases.services.grading import apply_upgrades, case_facts
from tousu.rules.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NOW = at("2026-11-02 09:00")


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("id").values_list("kind", flat=True))


def raised(case: Case) -> list[tuple[str, str, str]]:
    """(field, new grade, rule) of every upgrade event, in order."""
    return [
        (e.kind.removeprefix("case.").removesuffix("_raised"), e.after[next(iter(e.after))],
         e.data["rule"])
        for e in case.events.filter(kind__endswith="_raised").order_by("id")
    ]


def customer(n: int) -> CustomerData:
    return CustomerData(name=f"业主{n}", phone=f"1390000{n:04d}", household=f"3-{n:03d}")


# ---------------------------------------------------------------- validity and time bars


def test_seed000_1_5_time_barred_billing_dispute_is_registered_then_invalid(org):
    case = intake(org, pack="telecom", category="billing_sms_subscription",
                  description="半年前被扣了短信定制费，要求退还",
                  occurred_at=at("2026-01-10 10:00"), now=at("2026-06-20 09:00"))
    case.refresh_from_db()
    assert case.status == "invalid"
    assert (case.validity, case.validity_reason) == ("invalid", "time_barred")
    assert case.number  # registered: it has a number and a history
    assert kinds(case) == ["case.registered", "case.marked_invalid"]
    event = case.events.get(kind="case.marked_invalid")
    assert event.actor is None  # the system, by rule
    assert event.data["rule"] == "time_bar.billing_dispute"
    assert event.data["validity_reason"] == "time_barred"
    assert event.data["customer_notice"]["name"] == "超过时效"
    assert "第十条" in event.data["source"]
    assert "5" in event.reason and "time_bar.billing_dispute" in event.reason
    assert case.next_due_at is None and case.closed_at is not None
    assert case.incident is None
    assert not raised(case)


def test_seed000_1_5_billing_dispute_within_5_months_is_accepted(org):
    case = intake(org, pack="telecom", category="billing_sms_subscription",
                  description="上个月被扣了短信定制费",
                  occurred_at=at("2026-05-21 10:00"), now=at("2026-06-20 09:00"))
    assert case.status == "registered"
    assert case.validity == ""


def test_seed000_1_5_other_matter_barred_after_two_years(org):
    case = intake(org, pack="telecom", category="handset", description="话机一直打不出去",
                  occurred_at=at("2024-06-01 10:00"), now=at("2026-06-20 09:00"))
    case.refresh_from_db()
    assert (case.status, case.validity_reason) == ("invalid", "time_barred")
    assert case.events.get(kind="case.marked_invalid").data["rule"] == "time_bar.other_dispute"


def test_seed002_6_malicious_logistics_complaint_is_invalid(org):
    case = intake(org, pack="logistics", category="business_timeliness",
                  description="要求额外赔偿十倍运费", facts={"malicious": True}, now=NOW)
    case.refresh_from_db()
    assert (case.status, case.validity_reason) == ("invalid", "malicious")


def test_seed001_2_1_developer_cause_is_suggested_assist(org):
    case = intake(org, category="housing_structure", description="外墙渗水，属于开发商保修",
                  facts={"responsibility_class": "class2"}, now=NOW)
    case.refresh_from_db()
    assert (case.validity, case.responsibility_class) == ("assist", "class2")
    assert "responsibility_class" not in case.facts
    registered = case.events.get(kind="case.registered")
    assert registered.data["validity_suggested"] == {
        "validity": "assist", "rule": "responsibility_class.class2"}


def test_unknown_responsibility_class_is_refused(org):
    with pytest.raises(ValidationFailed) as caught:
        intake(org, facts={"responsibility_class": "class9"}, now=NOW)
    assert [e.field for e in caught.value.errors] == ["facts.responsibility_class"]


def test_seed000_1_2_consultation_still_dissatisfied_becomes_complaint(org):
    case = intake(org, pack="telecom", request_type="consultation", category="service_roaming",
                  description="咨询漫游，解释后仍然不满意", facts={"still_dissatisfied": True},
                  now=NOW)
    case.refresh_from_db()
    assert case.request_type == "complaint"
    event = case.events.get(kind="case.converted_to_complaint")
    assert event.before == {"request_type": "consultation"}
    assert event.data["rule"] == "still_dissatisfied_after_explanation"
    assert case.events.get(kind="case.registered").data["request_type"] == "consultation"


# ---------------------------------------------------------------- incidents


LIFT = "幸福小区3栋电梯又停运了，老人只能爬楼梯，希望尽快修好"


def lift_case(org, n: int, when, **extra):
    return intake(org, category="equipment_elevator", location="幸福小区3栋",
                  description=extra.pop("description", LIFT), customer=customer(n), now=when,
                  **extra)


def test_seed001_2_5e_five_households_on_the_same_lift_is_major(org):
    cases = [lift_case(org, n, NOW + timedelta(hours=n)) for n in range(1, 5)]
    assert {Case.objects.get(pk=c.pk).severity for c in cases} == {"minor"}  # four: not yet
    cases.append(lift_case(org, 5, NOW + timedelta(hours=5)))
    for case in cases:
        case.refresh_from_db()
    incident = cases[0].incident
    assert incident is not None and all(c.incident_id == incident.pk for c in cases)
    assert incident.size == 5
    assert incident.key == "equipment_elevator:幸福小区3栋"
    for case in cases:
        assert (case.severity, case.escalation_level) == ("major", "special"), case.number
        assert ("severity", "major", "collective") in raised(case)
        assert ("escalation_level", "special", "collective") in raised(case)
    trigger = cases[0].events.get(kind="case.severity_raised").data["trigger"]
    assert trigger == "incident_joined"
    assert cases[4].events.get(kind="case.severity_raised").data["trigger"] == "intake"
    joined = cases[1].events.get(kind="case.incident_joined")
    assert joined.data["matched_case"] == cases[0].number
    assert joined.data["incident"] == incident.pk
    assert 0.3 <= joined.data["similarity"] <= 1


def test_seed001_2_5e_four_households_stay_minor(org):
    cases = [lift_case(org, n, NOW + timedelta(hours=n)) for n in range(1, 5)]
    for case in cases:
        case.refresh_from_db()
        assert case.severity == "minor"
    assert cases[0].incident.size == 4


def test_one_customer_calling_again_is_no_incident(org):
    first = lift_case(org, 1, NOW)
    second = intake(org, category="equipment_elevator", location="幸福小区三栋",
                    description=LIFT, customer=customer(1), now=NOW + timedelta(hours=1))
    assert first.incident_id is None and second.incident_id is None
    assert Incident.objects.count() == 0


def test_other_place_category_or_text_is_another_matter(org):
    lift_case(org, 1, NOW)
    other_place = intake(org, category="equipment_elevator", location="幸福小区5栋",
                         description=LIFT.replace("3栋", "5栋"), customer=customer(2),
                         now=NOW + timedelta(hours=1))
    other_category = intake(org, category="equipment_water", location="幸福小区3栋",
                            description=LIFT, customer=customer(3), now=NOW + timedelta(hours=2))
    other_text = lift_case(org, 4, NOW + timedelta(hours=3),
                           description="幸福小区3栋楼道的广告屏声音太吵，晚上影响休息")
    assert [c.incident_id for c in (other_place, other_category, other_text)] == [None] * 3


def test_outside_the_window_is_another_matter(org):
    lift_case(org, 1, NOW)
    late = lift_case(org, 2, NOW + timedelta(days=31))
    assert late.incident_id is None


def test_invalid_cases_do_not_join(org):
    lift_case(org, 1, NOW, facts={"out_of_scope": True})
    second = lift_case(org, 2, NOW + timedelta(hours=1))
    assert second.incident_id is None


def internet_case(org, n: int, when):
    return intake(org, pack="internet", category="complaint_product",
                  location="会员中心自动续费", customer=customer(n), now=when,
                  description="会员到期后没有任何提醒就自动续费扣款，要求退款并关闭自动续费")


def test_seed004_2_9_three_complainants_in_a_month_is_a_hot_spot(org):
    cases = [internet_case(org, n, NOW + timedelta(days=n * 5)) for n in range(1, 4)]
    for case in cases:
        case.refresh_from_db()
    assert [c.severity for c in cases] == ["hot", "hot", "hot"]
    assert ("severity", "hot", "same_matter_month") in raised(cases[2])
    assert ("severity", "hot", "same_matter_month") in raised(cases[0])
    facts = case_facts(cases[2], NOW + timedelta(days=15))
    assert (facts["same_matter_month"], facts["complainant_count"]) == (3, 3)


def test_seed004_2_9_complainants_spread_over_more_than_a_month_are_no_hot_spot(org):
    cases = [internet_case(org, n, NOW + timedelta(days=n * 16)) for n in range(1, 4)]
    for case in cases:
        case.refresh_from_db()
    assert cases[2].incident_id == cases[0].incident_id is not None
    facts = case_facts(cases[2], NOW + timedelta(days=48))
    assert facts["same_matter_month"] == 2
    cases[1].refresh_from_db()
    assert cases[1].severity == "general"


def test_seed004_2_9_ten_complainants_is_major(org):
    cases = [internet_case(org, n, NOW + timedelta(hours=n)) for n in range(1, 11)]
    for case in cases:
        case.refresh_from_db()
    assert {c.severity for c in cases} == {"major"}
    assert ("severity", "major", "joint_ten") in raised(cases[9])
    assert raised(cases[0]) == [("severity", "hot", "same_matter_month"),
                                ("severity", "major", "joint_ten")]


# ---------------------------------------------------------------- repeats and rejections


def test_seed001_2_6_property_urged_twice_is_senior(org):
    case = intake(org, now=NOW)
    assert case.escalation_level == "primary"
    act(org, "agent", "urge", case, now=NOW + timedelta(hours=1))
    case.refresh_from_db()
    assert case.escalation_level == "intermediate"
    act(org, "agent", "urge", case, now=NOW + timedelta(hours=2))
    case.refresh_from_db()
    assert case.escalation_level == "senior"
    assert raised(case) == [("escalation_level", "intermediate", "repeat_second"),
                            ("escalation_level", "senior", "repeat_third")]


def test_seed001_2_6_repeat_contact_about_a_closed_case_counts(org):
    first = intake(org, now=NOW)
    act(org, "agent", "close-at-window", first, wording="已解释", now=NOW + timedelta(hours=1))
    act(org, "quality", "follow-up", first, satisfaction="satisfied",
        now=NOW + timedelta(hours=2))
    second = intake(org, repeat_of=first.number, dissatisfaction_reason="又漏水了",
                    now=NOW + timedelta(days=2))
    second.refresh_from_db()
    assert second.repeat_of_id == first.pk
    assert second.escalation_level == "intermediate"
    assert case_facts(second, NOW + timedelta(days=2))["repeat_count"] == 2


def test_seed001_2_6_rejected_final_offer_is_special(org):
    case = intake(org, now=NOW)
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=NOW + timedelta(minutes=5))
    act(org, "handler_eng", "acknowledge", case, now=NOW + timedelta(minutes=20))
    act(org, "handler_eng", "propose", case, final=True,
        solutions=[{"kind": "repair", "description": "更换顶板防水层"}],
        now=NOW + timedelta(hours=1))
    act(org, "agent", "customer-reject", case, reason="要求赔偿车辆清洗费",
        now=NOW + timedelta(hours=2))
    case.refresh_from_db()
    assert case.escalation_level == "special"
    assert raised(case) == [("escalation_level", "special", "final_offer_rejected")]


def test_seed001_2_6_second_rejection_reaches_the_pack_limit(org):
    case = intake(org, now=NOW)
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=NOW + timedelta(minutes=5))
    act(org, "handler_eng", "acknowledge", case, now=NOW + timedelta(minutes=20))
    for round_ in (1, 2):
        act(org, "handler_eng", "propose", case,
            solutions=[{"kind": "repair", "description": f"第{round_}次方案"}],
            now=NOW + timedelta(hours=round_))
        act(org, "agent", "customer-reject", case, reason="不接受",
            now=NOW + timedelta(hours=round_, minutes=30))
        case.refresh_from_db()
        assert case.escalation_level == ("primary" if round_ == 1 else "special")


def test_seed001_2_4c_unresolved_for_a_month_is_major_at_the_sweep(org):
    case = intake(org, now=NOW)
    assert case_facts(case, NOW + timedelta(days=29))["unresolved_for"] == timedelta(days=29)
    assert apply_upgrades(case, SYSTEM, NOW + timedelta(days=29), trigger="sweep") == []
    found = apply_upgrades(case, SYSTEM, NOW + timedelta(days=30), trigger="sweep")
    assert [(u.field, u.code, u.rule) for u in found] == [("severity", "major",
                                                           "unresolved_month")]
    case.refresh_from_db()
    event = case.events.get(kind="case.severity_raised")
    assert (event.actor, event.data["trigger"]) == (None, "sweep")


def test_unresolved_for_counts_only_open_valid_cases(org):
    case = intake(org, facts={"responsibility_class": "class3"}, now=NOW)
    assert "unresolved_for" not in case_facts(case, NOW + timedelta(days=40))  # assist
    other = intake(org, now=NOW)
    act(org, "agent", "close-at-window", other, now=NOW + timedelta(hours=1))
    other.refresh_from_db()
    assert "unresolved_for" not in case_facts(other, NOW + timedelta(days=40))  # replied


# ---------------------------------------------------------------- channels


def test_spec4_media_channel_upgrades_at_intake(org):
    case = intake(org, channel="media", now=NOW)
    case.refresh_from_db()
    assert (case.severity, case.escalation_level) == ("major", "special")
    assert ("severity", "major", "media") in raised(case)


def test_spec4_regulator_channel_upgrades_at_intake(org):
    case = intake(org, pack="retail", category="service", channel="regulator",
                  description="消委会转来：送货员态度恶劣", now=NOW)
    case.refresh_from_db()
    assert case.severity == "level3"
    assert raised(case) == [("severity", "level3", "regulator")]


# ---------------------------------------------------------------- scripts


def test_spec5_intake_records_the_script_outcome_and_wording(org):
    answers = {"other_network": True, "always_unreachable": False, "callee_forwarding": False}
    case = intake(org, pack="telecom", description="打联通号码经常接不通",
                  script={"code": "interconnection", "answers": answers}, now=NOW)
    case.refresh_from_db()
    assert case.category == "interconnection"  # taken from the script
    script = case.script
    assert script["code"] == "interconnection"
    assert script["pack_version"] == "2026.1"
    assert script["answers"] == answers
    assert (script["outcome"], script["target"], script["wording_key"]) == (
        "close_at_window", None, "low_completion")
    assert script["wording"].startswith("打其他运营商号码接通率偏低")
    assert script["duties"][0]["code"] == "summary_to_marketing"
    registered = case.events.get(kind="case.registered")
    assert registered.data["script"] == {"code": "interconnection", "outcome": "close_at_window",
                                         "target": None, "wording_key": "low_completion"}


def test_spec5_dispatch_outcome_names_the_units(org):
    case = intake(org, pack="telecom", category="interconnection", description="打不通",
                  script={"code": "interconnection", "answers": {
                      "other_network": False, "always_unreachable": False,
                      "callee_forwarding": False}}, now=NOW)
    assert (case.script["outcome"], case.script["target"], case.script["units"]) == (
        "dispatch", "branch", ["north"])


def test_spec5_yes_answers_named_after_facts_grade_the_case(org):
    case = intake(org, pack="bank", category="service", channel="walk_in",
                  description="客户在柜台前大声吵闹，砸坏了叫号机",
                  script={"code": "excessive_behaviour", "answers": {
                      "violence": True, "disrupts_business": True, "settled_on_site": False}},
                  now=NOW)
    case.refresh_from_db()
    assert case.facts["violence"] is True
    assert case.severity == "major"
    assert case.script["wording_key"] == "level3"


def counts():
    return (Case.objects.count(), Event.objects.count(), Customer.objects.count(),
            list(CaseSerial.objects.values_list("month", "last")))


def test_spec5_bad_answers_are_refused_naming_the_question_and_nothing_is_stored(org):
    intake(org, now=NOW)
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        intake(org, pack="telecom", description="打不通", now=NOW,
               script={"code": "ringback_tone", "answers": {"matter": "gossip"}})
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("script.answers.matter", "invalid")}
    with pytest.raises(ValidationFailed) as caught:
        intake(org, pack="telecom", description="打不通", now=NOW,
               script={"code": "interconnection", "answers": {"other_network": True}})
    assert sorted(e.field for e in caught.value.errors) == [
        "script.answers.always_unreachable", "script.answers.callee_forwarding"]
    assert counts() == before


def test_unknown_script_or_wrong_category_is_refused(org):
    with pytest.raises(ValidationFailed) as caught:
        intake(org, pack="telecom", description="x", now=NOW,
               script={"code": "no_such", "answers": {}})
    assert [(e.field, e.code) for e in caught.value.errors] == [("script.code", "unknown")]
    with pytest.raises(ValidationFailed) as caught:
        intake(org, pack="telecom", category="handset", description="x", now=NOW,
               script={"code": "roaming", "answers": {"accepts_explanation": True}})
    assert [e.field for e in caught.value.errors] == ["script.code"]
