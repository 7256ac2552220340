"""Validity (有效 / 协助处理 / 无效), time bars and responsibility classes, per seed rule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tousu.packs.loader import load_builtin_packs
from tousu.rules.validity import (
    Contact,
    add_months,
    assess_validity,
    is_malicious,
    time_bar_for,
    whole_months_between,
)

SH = ZoneInfo("Asia/Shanghai")
PACKS = load_builtin_packs()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def decide(pack_code: str, category: str = "", *, occurred: str | None = None,
           received: str = "2026-11-02 09:00", request_type: str = "complaint",
           has_contact: bool = True, cls: str = "", **facts):
    pack = PACKS[pack_code]
    lineage = tuple(c.code for c in pack.lineage(category)) if category else ()
    contact = Contact(
        request_type=request_type,
        category_lineage=lineage,
        received_at=at(received),
        occurred_at=at(occurred) if occurred else None,
        has_contact=has_contact,
        facts=facts,
        responsibility_class=cls,
    )
    return assess_validity(pack.validity, pack.responsibility_classes, contact)


# (id, pack, category, keyword arguments, expected validity, reason, rule)
CASES = [
    # seed 000 › 电信用户申诉处理暂行办法 › 第十条: fee disputes > 5 months, others > 2 years
    ("seed000_1.5_billing_dispute_over_5_months", "telecom", "billing_sms_subscription",
     {"occurred": "2026-01-10 10:00", "received": "2026-06-11 09:00"},
     "invalid", "time_barred", "time_bar.billing_dispute"),
    ("seed000_1.5_billing_dispute_on_the_5_month_day_in_time", "telecom", "billing_other",
     {"occurred": "2026-01-10 10:00", "received": "2026-06-10 20:00"}, "", "", ""),
    ("seed000_1.5_billing_month_end_clamped_in_time", "telecom", "billing",
     {"occurred": "2026-01-31 10:00", "received": "2026-06-30 09:00"}, "", "", ""),
    ("seed000_1.5_billing_month_end_clamped_barred", "telecom", "billing",
     {"occurred": "2026-01-31 10:00", "received": "2026-07-01 09:00"},
     "invalid", "time_barred", "time_bar.billing_dispute"),
    ("seed000_1.5_other_matter_6_months_in_time", "telecom", "interconnection",
     {"occurred": "2026-05-01 10:00"}, "", "", ""),
    ("seed000_1.5_other_matter_over_2_years", "telecom", "interconnection",
     {"occurred": "2024-03-01 10:00", "received": "2026-03-02 09:00"},
     "invalid", "time_barred", "time_bar.other_dispute"),
    ("seed000_1.5_other_matter_2_years_to_the_day", "telecom", "handset",
     {"occurred": "2024-03-01 10:00", "received": "2026-03-01 09:00"}, "", "", ""),
    ("seed000_1.5_no_category_takes_the_general_bar", "telecom", "",
     {"occurred": "2023-01-01 10:00"}, "invalid", "time_barred", "time_bar.other_dispute"),
    ("seed000_1.5_no_occurred_at_no_bar", "telecom", "billing", {}, "", "", ""),
    # seed 002 篇一 › 第九条6: attitude complaints more than a month later
    ("seed002_6_attitude_over_1_month", "logistics", "service_rude",
     {"occurred": "2026-09-01 10:00", "received": "2026-10-02 09:00"},
     "invalid", "attitude_time_barred", "time_bar.attitude"),
    ("seed002_6_attitude_within_1_month", "logistics", "service_arrogant",
     {"occurred": "2026-09-02 10:00", "received": "2026-10-02 09:00"}, "", "", ""),
    ("seed002_6_other_matters_have_no_bar", "logistics", "business_timeliness",
     {"occurred": "2023-09-02 10:00"}, "", "", ""),
    # seed 002 篇一 › 第十一条: malicious; 第九条4: anonymous without concrete facts
    ("seed002_6_malicious", "logistics", "service", {"malicious": True},
     "invalid", "malicious", "validity.malicious"),
    ("seed002_6_anonymous_without_facts", "logistics", "business", {"anonymous": True},
     "invalid", "anonymous_unfounded", "validity.anonymous"),
    ("seed002_6_anonymous_with_verifiable_facts", "logistics", "business",
     {"anonymous": True, "verifiable": True}, "", "", ""),
    # seed 000 › 天翼空间…管理办法 › 第八条(二): anonymous, contact incomplete, out of remit
    ("seed000_1.2_anonymous", "telecom", "other", {"anonymous": True},
     "invalid", "anonymous_or_unrelated", "validity.anonymous"),
    ("seed000_1.2_contact_incomplete", "telecom", "other", {"has_contact": False},
     "invalid", "no_contact", "validity.no_contact"),
    ("seed000_1.2_out_of_remit", "telecom", "other", {"out_of_scope": True},
     "invalid", "out_of_scope", "validity.out_of_scope"),
    ("tousu_retail_no_contact", "retail", "service", {"has_contact": False},
     "invalid", "no_contact", "validity.no_contact"),
    ("bank_anonymous_unverifiable", "bank", "service", {"anonymous": True},
     "invalid", "anonymous_unverifiable", "validity.anonymous"),
    # seed 004 › 网站平台举报工作规章制度 › 第六、九条: real-name reports; malicious reports
    ("seed004_10.3_anonymous_report", "internet", "harmful_rumour",
     {"anonymous": True, "request_type": "report"},
     "invalid", "anonymous_report", "validity.anonymous"),
    ("seed004_10.3_anonymous_complaint_is_not_a_report", "internet", "complaint_service",
     {"anonymous": True}, "", "", ""),
    ("seed004_10.5_malicious_report", "internet", "harmful_rumour",
     {"malicious": True, "request_type": "report"}, "invalid", "malicious", "validity.malicious"),
    # seed 001 › 物业服务投诉处理范本 › 二(二): beyond scope; the property pack has no
    # anonymity or contact rule, so those grounds do not refuse a property complaint
    ("seed001_2.5_beyond_scope", "property", "general_service", {"out_of_scope": True},
     "invalid", "beyond_scope", "validity.out_of_scope"),
    ("seed001_2.5_property_anonymous_not_refused", "property", "housing", {"anonymous": True},
     "", "", ""),
    ("seed001_2.1_internal_staff", "property", "general_service", {"internal_staff": True},
     "invalid", "internal_staff", "validity.internal_staff"),
    # seed 001 › 物业集团客户投诉…工作指引 › 4.2.1.2–4 + 海昌 4.2.1.1: class → validity
    ("seed001_2.1_class1_valid", "property", "housing", {"cls": "class1"},
     "valid", "", "responsibility_class.class1"),
    ("seed001_2.1_class2_developer_assist", "property", "housing", {"cls": "class2"},
     "assist", "", "responsibility_class.class2"),
    ("seed001_2.1_class3_outside_assist", "property", "environment", {"cls": "class3"},
     "assist", "", "responsibility_class.class3"),
    ("spec2_telecom_class2_partner_valid", "telecom", "billing", {"cls": "class2"},
     "valid", "", "responsibility_class.class2"),
    ("no_class_no_suggestion", "property", "housing", {}, "", "", ""),
    # the first ground decides: malicious before a time bar, both are listed
    ("seed002_malicious_before_time_bar", "logistics", "service_rude",
     {"malicious": True, "occurred": "2026-01-01 10:00"},
     "invalid", "malicious", "validity.malicious"),
]


@pytest.mark.parametrize(
    ("pack", "category", "kwargs", "validity", "reason", "rule"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_validity(pack, category, kwargs, validity, reason, rule):
    kwargs = dict(kwargs)
    options = {k: kwargs.pop(k) for k in ("occurred", "received", "request_type",
                                          "has_contact", "cls") if k in kwargs}
    decision = decide(pack, category, **options, **kwargs)
    assert (decision.validity, decision.reason, decision.rule) == (validity, reason, rule)
    if validity == "invalid":
        assert decision.reason in PACKS[pack].invalid_reasons
        assert decision.source


def test_every_ground_found_is_listed():
    decision = decide("logistics", "service_rude", occurred="2026-01-01 10:00",
                      malicious=True, anonymous=True)
    assert [f.rule for f in decision.findings] == [
        "validity.malicious", "time_bar.attitude", "validity.anonymous"]


def test_time_bar_detail_counts_whole_months():
    decision = decide("telecom", "billing", occurred="2026-01-10 10:00",
                      received="2026-08-09 09:00")
    assert "6 whole month(s)" in decision.detail and "limit is 5" in decision.detail


def test_dates_are_counted_in_the_local_time_zone():
    # 2026-01-10 20:00 UTC is already 11 January in Shanghai: 11 June is still in time.
    pack = PACKS["telecom"]
    contact = Contact("complaint", ("billing",), at("2026-06-11 09:00"),
                      datetime(2026, 1, 10, 20, 0, tzinfo=ZoneInfo("UTC")))
    assert assess_validity(pack.validity, pack.responsibility_classes, contact).validity == ""


MONTHS = [
    (date(2026, 1, 31), 1, date(2026, 2, 28), "end_of_january_plus_one"),
    (date(2024, 1, 31), 1, date(2024, 2, 29), "leap_february"),
    (date(2026, 11, 15), 2, date(2027, 1, 15), "over_the_year_end"),
    (date(2024, 2, 29), 24, date(2026, 2, 28), "two_years_from_leap_day"),
]


@pytest.mark.parametrize(("start", "months", "end"), [m[:3] for m in MONTHS],
                         ids=[m[3] for m in MONTHS])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


def test_whole_months_between():
    assert whole_months_between(date(2026, 1, 10), date(2026, 6, 9)) == 4
    assert whole_months_between(date(2026, 1, 10), date(2026, 6, 10)) == 5
    assert whole_months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert whole_months_between(date(2026, 6, 10), date(2026, 1, 10)) == 0


def test_time_bar_for_prefers_the_nearest_category():
    bars = PACKS["telecom"].validity.time_bars
    assert time_bar_for(bars, ("billing_sms_subscription", "billing")).code == "billing_dispute"
    assert time_bar_for(bars, ("interconnection",)).code == "other_dispute"
    assert time_bar_for(PACKS["logistics"].validity.time_bars, ("business",)) is None


@pytest.mark.parametrize("pack", sorted(PACKS), ids=[f"{p}_case" for p in sorted(PACKS)])
def test_malicious_is_an_invalid_reason_where_the_pack_has_one(pack):
    policy = PACKS[pack].validity
    flagged = [r.code for r in policy.reasons if r.malicious]
    for code in flagged:
        assert is_malicious(policy, code)
    assert not is_malicious(policy, "no_such_reason")
