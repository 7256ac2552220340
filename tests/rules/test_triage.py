"""Request-type triage and consultation → complaint conversion, per seed rule."""

from __future__ import annotations

import pytest

from tousu.packs.loader import load_builtin_packs
from tousu.rules.triage import available, conversion, suggest_request_type

PACKS = load_builtin_packs()

# (id, pack, signals, expected request type, rule)
SUGGEST = [
    ("seed000_1.2_art4_lookup_is_inquiry", "telecom", {"lookup": True},
     "inquiry", "self_service_lookup"),
    ("seed000_1.2_art5_question_is_consultation", "telecom", {"asks_information": True},
     "consultation", "asks_information"),
    ("seed000_1.2_art6_fault_stops_use", "telecom", {"service_unusable": True},
     "fault", "service_unusable"),
    ("seed000_1.2_art7_dissatisfied_wants_it_solved", "telecom", {"dissatisfied": True},
     "complaint", "dissatisfied_wants_resolution"),
    ("seed000_1.2_art7_dissatisfied_but_only_venting_is_no_complaint", "telecom",
     {"dissatisfied": True, "wants_resolution": False, "asks_information": True},
     "consultation", "asks_information"),
    ("seed004_10.6_report_of_violation", "internet", {"reports_violation": True},
     "report", "reports_violation"),
    ("seed004_10.6_report_in_a_pack_without_reports_is_a_complaint", "property",
     {"reports_violation": True}, "complaint", "reports_violation"),
    ("property_lookup_falls_back_to_consultation", "property", {"lookup": True},
     "consultation", "self_service_lookup"),
    ("logistics_fault_falls_back_to_complaint", "logistics", {"service_unusable": True},
     "complaint", "service_unusable"),
    ("seed004_10.9_suggestion", "internet", {"suggests_improvement": True},
     "suggestion", "suggests_improvement"),
    ("report_outranks_dissatisfaction", "internet",
     {"reports_violation": True, "dissatisfied": True}, "report", "reports_violation"),
]


@pytest.mark.parametrize(("pack", "signals", "expected", "rule"), [s[1:] for s in SUGGEST],
                         ids=[s[0] for s in SUGGEST])
def test_suggest_request_type(pack, signals, expected, rule):
    decision = suggest_request_type(PACKS[pack].request_types, signals)
    assert decision is not None
    assert (decision.request_type, decision.rule) == (expected, rule)
    assert decision.request_type in PACKS[pack].request_types
    assert decision.source.startswith("seed")


def test_no_signal_no_suggestion():
    assert suggest_request_type(PACKS["telecom"].request_types, {}) is None


@pytest.mark.parametrize("pack", sorted(PACKS), ids=[f"{p}_case" for p in sorted(PACKS)])
def test_every_suggestion_is_a_type_of_the_pack(pack):
    types = PACKS[pack].request_types
    for code in ("inquiry", "consultation", "fault", "complaint", "report", "suggestion"):
        chosen = available(code, types)
        assert chosen is None or chosen in types
    assert available("complaint", types) == "complaint"


# (id, request type, signals, converted to, rule)
CONVERT = [
    ("seed000_1.2_art7_1_still_dissatisfied_after_explanation", "consultation",
     {"still_dissatisfied": True}, "complaint", "still_dissatisfied_after_explanation"),
    ("seed000_1.2_art7_1_inquiry_answer_overdue", "inquiry", {"answer_overdue": True},
     "complaint", "answer_late_or_unhelpful"),
    ("seed000_1.2_art7_1_answer_unhelpful", "consultation", {"answer_unhelpful": True},
     "complaint", "answer_late_or_unhelpful"),
    ("seed000_1.2_satisfied_consultation_stays", "consultation", {}, None, None),
    ("spec3_complaint_is_not_converted", "complaint", {"still_dissatisfied": True}, None, None),
    ("spec3_fault_is_not_converted", "fault", {"still_dissatisfied": True}, None, None),
]


@pytest.mark.parametrize(("request_type", "signals", "to", "rule"), [c[1:] for c in CONVERT],
                         ids=[c[0] for c in CONVERT])
def test_conversion(request_type, signals, to, rule):
    change = conversion(request_type, PACKS["telecom"].request_types, signals)
    if to is None:
        assert change is None
    else:
        assert change is not None
        assert (change.from_type, change.to_type, change.rule) == (request_type, to, rule)


def test_no_conversion_where_the_pack_takes_no_complaints():
    assert conversion("consultation", ("consultation", "suggestion"),
                      {"still_dissatisfied": True}) is None
