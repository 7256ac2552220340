"""The eight telecom scripts of seed 000 decide as the seed says (table-driven)."""

from __future__ import annotations

import pytest

from tousu.packs.loader import load_builtin_packs
from tousu.packs.schema import Pack

SCRIPTS = [
    "interconnection",
    "sms_subscription_billing",
    "phs_sms",
    "weak_signal",
    "roaming",
    "ringback_tone",
    "holiday_peak",
    "handset_fault",
]


@pytest.fixture(scope="module")
def telecom() -> Pack:
    return load_builtin_packs()["telecom"]


def test_eight_scripts(telecom):
    assert [s.code for s in telecom.scripts] == SCRIPTS


@pytest.mark.parametrize("code", SCRIPTS, ids=[f"{c}_case" for c in SCRIPTS])
def test_every_combination_is_decided_and_wordings_exist(telecom, code):
    script = telecom.script(code)
    assert script is not None and telecom.category(script.category) is not None
    for answers in script.combinations():
        rule = script.decide(answers)
        assert rule is not None, answers
        assert rule.wording is None or rule.wording in script.wordings


Y, N = True, False
DECISIONS = [
    # interconnection: all three as expected -> close; any other -> dispatch
    (
        "interconnection",
        {"other_network": Y, "always_unreachable": N, "callee_forwarding": N},
        "close_at_window",
        None,
        "interconnection_all_met",
    ),
    (
        "interconnection",
        {"other_network": N, "always_unreachable": N, "callee_forwarding": N},
        "dispatch",
        "branch",
        "interconnection_same_network",
    ),
    (
        "interconnection",
        {"other_network": Y, "always_unreachable": Y, "callee_forwarding": N},
        "dispatch",
        "branch",
        "interconnection_never_worked",
    ),
    (
        "interconnection",
        {"other_network": Y, "always_unreachable": N, "callee_forwarding": Y},
        "dispatch",
        "branch",
        "interconnection_forwarding",
    ),
    # SMS subscription billing
    (
        "sms_subscription_billing",
        {
            "balance_dropped_sms_unclear": Y,
            "sp_charge_found": Y,
            "accepts_explanation": Y,
            "demands_refund": N,
        },
        "close_at_window",
        None,
        "sms_accepted",
    ),
    (
        "sms_subscription_billing",
        {
            "balance_dropped_sms_unclear": Y,
            "sp_charge_found": Y,
            "accepts_explanation": N,
            "demands_refund": N,
        },
        "dispatch",
        "sp",
        "sms_rejected_goes_to_sp",
    ),
    (
        "sms_subscription_billing",
        {
            "balance_dropped_sms_unclear": Y,
            "sp_charge_found": Y,
            "accepts_explanation": N,
            "demands_refund": Y,
        },
        "dispatch",
        "sp",
        "sms_refund_goes_to_sp",
    ),
    # PHS SMS
    (
        "phs_sms",
        {
            "sent_before": Y,
            "area_code": N,
            "storage_full": N,
            "public_sms_only": N,
            "works_elsewhere": N,
        },
        "close_at_window",
        None,
        "phs_no_area_code",
    ),
    (
        "phs_sms",
        {
            "sent_before": Y,
            "area_code": Y,
            "storage_full": Y,
            "public_sms_only": N,
            "works_elsewhere": N,
        },
        "close_at_window",
        None,
        "phs_storage_full",
    ),
    (
        "phs_sms",
        {
            "sent_before": Y,
            "area_code": Y,
            "storage_full": N,
            "public_sms_only": Y,
            "works_elsewhere": N,
        },
        "transfer",
        "support_center",
        "phs_prefix_missing",
    ),
    (
        "phs_sms",
        {
            "sent_before": Y,
            "area_code": Y,
            "storage_full": N,
            "public_sms_only": N,
            "works_elsewhere": Y,
        },
        "close_at_window",
        None,
        "phs_coverage",
    ),
    (
        "phs_sms",
        {
            "sent_before": N,
            "area_code": Y,
            "storage_full": N,
            "public_sms_only": N,
            "works_elsewhere": N,
        },
        "dispatch",
        "branch",
        "phs_other",
    ),
    # weak signal: straight to the branch
    ("weak_signal", {}, "transfer", "branch", "weak_signal_transfer"),
    # roaming
    ("roaming", {"accepts_explanation": Y}, "close_at_window", None, "roaming_accepted"),
    ("roaming", {"accepts_explanation": N}, "dispatch", "branch", "roaming_unhappy"),
    # ring-back tone
    ("ringback_tone", {"matter": "enquiry"}, "close_at_window", None, "ringback_enquiry"),
    (
        "ringback_tone",
        {"matter": "needs_maintenance"},
        "transfer",
        "provincial_maintenance",
        "ringback_to_maintenance",
    ),
    # holiday peak
    (
        "holiday_peak",
        {"normal_before": Y, "busy_when_calling": Y, "worst_on_eve": Y},
        "close_at_window",
        None,
        "peak_all_yes",
    ),
    (
        "holiday_peak",
        {"normal_before": N, "busy_when_calling": Y, "worst_on_eve": Y},
        "dispatch",
        "branch",
        "peak_not_before",
    ),
    # handset
    (
        "handset_fault",
        {"permissions_normal": Y, "restriction_set": Y},
        "close_at_window",
        None,
        "handset_restriction",
    ),
    (
        "handset_fault",
        {"permissions_normal": Y, "restriction_set": N},
        "dispatch",
        "terminal_service",
        "handset_terminal",
    ),
]


@pytest.mark.parametrize(
    ("code", "answers", "outcome", "target"),
    [pytest.param(*row[:4], id=f"{row[4]}_case") for row in DECISIONS],
)
def test_decision(telecom, code, answers, outcome, target):
    rule = telecom.script(code).decide(answers)
    assert (rule.outcome, rule.target) == (outcome, target)


def test_interconnection_close_reports_to_marketing(telecom):
    script = telecom.script("interconnection")
    rule = script.decide({"other_network": Y, "always_unreachable": N, "callee_forwarding": N})
    assert rule.duties == ("summary_to_marketing",)
    assert {"refund_demanded", "deadline_demanded"} <= set(script.wordings)


def test_sp_dispatch_promises_one_working_day(telecom):
    script = telecom.script("sms_subscription_billing")
    rule = script.decide(
        {
            "balance_dropped_sms_unclear": Y,
            "sp_charge_found": Y,
            "accepts_explanation": N,
            "demands_refund": N,
        }
    )
    assert str(rule.reply_within) == "1wd"
