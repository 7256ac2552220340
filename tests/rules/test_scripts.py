"""Guided scripts (规范应答): answers checked, outcome, target, wording and duties, per seed."""

from __future__ import annotations

import pytest

from tousu.packs.loader import load_builtin_packs
from tousu.packs.schema_rules import BOOL_FACTS
from tousu.rules.errors import ErrorCode, ValidationFailed
from tousu.rules.scripts import answer_facts, evaluate_script, outcome_record

PACKS = load_builtin_packs()
Y, N = True, False

# (id, pack, script, answers, outcome, target, wording key, duties)
DECISIONS = [
    ("seed000_1.1_S1_interconnection_all_met_close", "telecom", "interconnection",
     {"other_network": Y, "always_unreachable": N, "callee_forwarding": N},
     "close_at_window", None, "low_completion", ["summary_to_marketing"]),
    ("seed000_1.1_S1_interconnection_one_unmet_dispatch", "telecom", "interconnection",
     {"other_network": Y, "always_unreachable": Y, "callee_forwarding": N},
     "dispatch", "branch", "dispatch_notice", []),
    ("seed000_1.1_S2_sms_refund_demanded_to_sp", "telecom", "sms_subscription_billing",
     {"balance_dropped_sms_unclear": Y, "sp_charge_found": Y, "accepts_explanation": N,
      "demands_refund": Y}, "dispatch", "sp", "refund_demanded", ["sp_answers"]),
    ("seed000_1.1_S2_sms_explanation_accepted_no_dispatch", "telecom",
     "sms_subscription_billing",
     {"balance_dropped_sms_unclear": Y, "sp_charge_found": Y, "accepts_explanation": Y,
      "demands_refund": N}, "close_at_window", None, "general", []),
    ("seed000_1.1_S3_phs_prefix_missing_transfer", "telecom", "phs_sms",
     {"sent_before": Y, "area_code": Y, "storage_full": N, "public_sms_only": Y,
      "works_elsewhere": N}, "transfer", "support_center", "dispatch_notice", []),
    ("seed000_1.1_S3_phs_coverage_collect_location", "telecom", "phs_sms",
     {"sent_before": Y, "area_code": Y, "storage_full": N, "public_sms_only": N,
      "works_elsewhere": Y}, "close_at_window", None, "coverage", ["collect_location"]),
    ("seed000_1.1_S4_weak_signal_to_branch", "telecom", "weak_signal", {},
     "transfer", "branch", "general", ["branch_tests_area"]),
    ("seed000_1.1_S6_ringback_maintenance", "telecom", "ringback_tone",
     {"matter": "needs_maintenance"}, "transfer", "provincial_maintenance", "transfer_notice", []),
    # seed 003 › 重大投诉处理流程 › 三2.1–2.7
    ("seed003_2.1_concession_within_500_authority", "retail", "unrepairable_defect",
     {"defect_confirmed": Y, "within_staff_authority": Y},
     "close_at_window", None, "concession", ["record_concession"]),
    ("seed003_2.1_beyond_authority_supplier_concession", "retail", "unrepairable_defect",
     {"defect_confirmed": Y, "within_staff_authority": N},
     "dispatch", "customer_service", "plan_notice", ["supplier_concession", "plan_in_3_days"]),
    ("seed003_2.2_serious_injury_send_people_now", "retail", "injury",
     {"caused_by_product": Y, "serious": Y}, "dispatch", "customer_service", "serious_injury",
     ["send_people_now", "advise_police_insurer", "visit_and_photos", "plan_in_3_days",
      "injury_items"]),
    ("seed003_2.3_loss_reaching_500_in_3_months_customer_chooses", "retail", "property_loss",
     {"loss_reaches_500": Y, "within_3_months": Y, "in_warranty": Y},
     "dispatch", "customer_service", "major_loss",
     ["supplier_on_site", "plan_in_3_days", "customer_chooses", "compensate_by_invoice",
      "settlement"]),
    ("seed003_2.3_loss_under_500_after_sales", "retail", "property_loss",
     {"loss_reaches_500": N, "within_3_months": Y, "in_warranty": Y},
     "dispatch", "after_sales", "small_loss", []),
    ("seed003_2.4_proven_fake_pay_double", "retail", "counterfeit",
     {"bought_here": Y, "finding": "fake"}, "dispatch", "purchasing", "proven_fake",
     ["freeze_payment", "trace_channel", "pay_double", "settlement", "take_back"]),
    ("seed003_2.4_genuine_close", "retail", "counterfeit",
     {"bought_here": Y, "finding": "genuine"}, "close_at_window", None, "genuine", []),
    ("seed003_2.5_regulator_written_reply", "retail", "outside_party",
     {"party": "regulator", "report_accurate": Y}, "dispatch", "customer_service", "regulator",
     ["written_reply_to_body", "handle_by_form"]),
    ("seed003_2.6_untrue_report_challenge_outlet", "retail", "outside_party",
     {"party": "media_reported", "report_accurate": N}, "dispatch", "marketing", "media",
     ["check_report", "challenge_outlet"]),
    ("seed003_2.7_lawsuit_loss_prevention", "retail", "outside_party",
     {"party": "lawsuit", "report_accurate": Y}, "dispatch", "loss_prevention", "lawsuit",
     ["all_departments_cooperate"]),
    # seed 001 › 物业管理公司…管理制度 › (五); 物业服务投诉处理范本 › 四
    ("seed001_2.6_fixed_on_the_spot", "property", "repair_reception",
     {"cause": "our_service", "fixed_on_spot": Y}, "close_at_window", None, "fixed",
     ["log_same_day"]),
    ("seed001_2.6_department_with_deadline", "property", "repair_reception",
     {"cause": "our_service", "fixed_on_spot": N}, "dispatch", "engineering", "dispatched",
     ["form_within_10min", "progress_by_1700", "reply_same_day"]),
    ("seed001_2.5_developer_cause_forward_and_chase", "property", "housing_reception",
     {"cause": "developer", "fixed_on_spot": N}, "transfer", "developer", "assist_developer",
     ["forward_and_chase"]),
    ("seed001_2.6_staff_conduct_needs_details", "property", "staff_conduct",
     {"settled_on_spot": N, "details_recorded": N}, "consult", None, "ask_details", []),
    # seed 002 › 篇三 › 三: emergency levels
    ("seed002_3.3_level3_call_police", "bank", "excessive_behaviour",
     {"violence": Y, "disrupts_business": Y, "settled_on_site": N}, "dispatch", "branch_office",
     "level3", ["call_police", "report_leaders", "protect_people", "note_features"]),
    ("seed002_3.3_level2_disrupts_business", "bank", "excessive_behaviour",
     {"violence": N, "disrupts_business": Y, "settled_on_site": N}, "dispatch", "branch_office",
     "level2", ["keep_order", "report_office", "leader_on_site"]),
    ("seed002_3.3_level1_settled_on_site", "bank", "excessive_behaviour",
     {"violence": N, "disrupts_business": N, "settled_on_site": Y}, "close_at_window", None,
     "level1", ["log_case"]),
]


@pytest.mark.parametrize(
    ("pack", "code", "answers", "outcome", "target", "wording", "duties"),
    [d[1:] for d in DECISIONS],
    ids=[d[0] for d in DECISIONS],
)
def test_decision(pack, code, answers, outcome, target, wording, duties):
    script = PACKS[pack].script(code)
    result = evaluate_script(script, answers)
    assert (result.outcome, result.target, result.wording_key) == (outcome, target, wording)
    assert [d.code for d in result.duties] == duties
    assert result.wording == script.wordings[wording]
    assert all(d.text for d in result.duties)
    if target is not None:
        assert PACKS[pack].routing_key(target) is not None


def test_reply_within_comes_from_the_rule():
    script = PACKS["telecom"].script("sms_subscription_billing")
    result = evaluate_script(script, {"balance_dropped_sms_unclear": Y, "sp_charge_found": Y,
                                      "accepts_explanation": N, "demands_refund": N})
    assert (result.wording_key, str(result.reply_within)) == ("uplink_check", "1wd")


def fields(error: ValidationFailed) -> dict[str, str]:
    return {f.field: f.code for f in error.errors}


BAD = [
    ("missing_answer", "telecom", "interconnection",
     {"other_network": Y, "always_unreachable": N}, {"answers.callee_forwarding": "invalid"}),
    ("all_missing", "telecom", "holiday_peak", {},
     {"answers.normal_before": "invalid", "answers.busy_when_calling": "invalid",
      "answers.worst_on_eve": "invalid"}),
    ("not_a_choice", "telecom", "ringback_tone", {"matter": "complaint"},
     {"answers.matter": "invalid"}),
    ("yes_no_given_text", "telecom", "roaming", {"accepts_explanation": "yes"},
     {"answers.accepts_explanation": "invalid"}),
    ("choice_given_bool", "retail", "counterfeit", {"bought_here": Y, "finding": True},
     {"answers.finding": "invalid"}),
    ("unknown_question", "telecom", "roaming", {"accepts_explanation": Y, "mood": "angry"},
     {"answers.mood": "unknown"}),
]


@pytest.mark.parametrize(("pack", "code", "answers", "expected"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_answers_are_refused_naming_the_question(pack, code, answers, expected):
    with pytest.raises(ValidationFailed) as caught:
        evaluate_script(PACKS[pack].script(code), answers)
    assert fields(caught.value) == expected
    for question in expected:
        assert question.split(".")[1] in caught.value.message


def test_choice_error_lists_the_choices():
    with pytest.raises(ValidationFailed) as caught:
        evaluate_script(PACKS["telecom"].script("ringback_tone"), {"matter": "x"})
    assert "enquiry, window_fixable, needs_maintenance" in caught.value.errors[0].message
    assert caught.value.errors[0].code == ErrorCode.INVALID


def test_prefix_names_the_intake_field():
    with pytest.raises(ValidationFailed) as caught:
        evaluate_script(PACKS["telecom"].script("roaming"), {}, prefix="script.answers")
    assert fields(caught.value) == {"script.answers.accepts_explanation": "invalid"}


@pytest.mark.parametrize("pack", sorted(PACKS), ids=[f"{p}_case" for p in sorted(PACKS)])
def test_every_combination_decides_with_existing_wording(pack):
    for script in PACKS[pack].scripts:
        for answers in script.combinations():
            result = evaluate_script(script, answers)
            assert result.wording_key is None or result.wording is not None
            if result.outcome in ("dispatch", "transfer"):
                assert result.target is not None


def test_outcome_record_is_what_the_case_keeps():
    result = evaluate_script(PACKS["telecom"].script("interconnection"),
                             {"other_network": Y, "always_unreachable": N,
                              "callee_forwarding": N})
    record = outcome_record(result, "2026.1")
    assert record["code"] == "interconnection"
    assert record["pack_version"] == "2026.1"
    assert record["answers"] == {"other_network": Y, "always_unreachable": N,
                                 "callee_forwarding": N}
    assert (record["outcome"], record["target"], record["wording_key"]) == (
        "close_at_window", None, "low_completion")
    assert record["wording"].startswith("打其他运营商号码")
    assert record["duties"] == [{"code": "summary_to_marketing",
                                 "text": PACKS["telecom"].script("interconnection")
                                 .duties["summary_to_marketing"]}]


def test_yes_answers_named_after_facts_are_facts():
    result = evaluate_script(PACKS["bank"].script("excessive_behaviour"),
                             {"violence": N, "disrupts_business": Y, "settled_on_site": N})
    assert answer_facts(result, BOOL_FACTS) == {"disrupts_business": True}
