"""The quality brief level by level, as the internet pack's reporting duties say (seed 004)."""

from __future__ import annotations

import pytest

from tests.factories import act, at, intake
from tousu.packs.registry import active_pack
from tousu.reports.brief import build_brief, levels, treatment
from tousu.reports.periods import parse_period
from tousu.reports.stats import make_scope

pytestmark = pytest.mark.django_db

NOW = at("2026-11-05 12:00")


def _case(org, when, category, severity, *, resolve=None):
    case = intake(org, pack="internet", now=at(when), description=f"{category} 的投诉")
    act(
        org,
        "dispatcher",
        "triage",
        case,
        category=category,
        severity=severity,
        now=at(when.replace("09:00", "09:05")),
    )
    if resolve:
        act(
            org,
            "dispatcher",
            "dispatch",
            case,
            units=["eng"],
            now=at(when.replace("09:00", "09:10")),
        )
        act(org, "handler_eng", "acknowledge", case, now=at(when.replace("09:00", "09:20")))
        act(org, "handler_eng", "resolve", case, now=at(when.replace("09:00", "15:00")), **resolve)
    return case


def test_treatment_of_each_internet_level(packs):
    pack = active_pack("internet").pack
    assert [(lv.severity, lv.treatment) for lv in levels(pack)] == [
        ("major", "full"),
        ("hot", "full"),
        ("important", "course"),
        ("general", "summary"),
    ]
    assert treatment(None) == "summary"


def test_brief_lists_each_level_as_its_duty_says(org):
    _case(org, "2026-10-12 09:00", "complaint_service", "general")
    _case(org, "2026-10-13 09:00", "complaint_service", "general")
    _case(org, "2026-10-13 09:00", "complaint_product", "general")
    important = _case(org, "2026-10-14 09:00", "complaint_product", "important")
    hot = _case(
        org,
        "2026-10-15 09:00",
        "complaint_technical",
        "hot",
        resolve={"findings": "版本发布后登录接口超时", "root_cause": "发布前未做压力测试"},
    )
    major = _case(org, "2026-10-16 09:00", "complaint_service", "major")
    brief = build_brief(make_scope(NOW), parse_period("2026-10", NOW))
    assert brief["count"] == 6
    [part] = brief["packs"]
    assert part["pack"] == "internet"
    by_level = {lv["severity"]: lv for lv in part["levels"]}

    general = by_level["general"]
    assert general["treatment"] == "summary"
    assert general["count"] == 3
    assert [(i["category"], i["count"]) for i in general["by_category"]] == [
        ("complaint_service", 2),
        ("complaint_product", 1),
    ]
    assert "cases" not in general

    listed = by_level["important"]
    assert listed["treatment"] == "course"
    assert [c["number"] for c in listed["cases"]] == [important.number]
    steps = [s["kind"] for s in listed["cases"][0]["course"]]
    assert steps[:2] == ["case.registered", "case.triaged"]
    assert "cause" not in listed["cases"][0]

    [hot_item] = by_level["hot"]["cases"]
    assert hot_item["number"] == hot.number
    assert hot_item["cause"] == {
        "findings": "版本发布后登录接口超时",
        "root_cause": "发布前未做压力测试",
    }
    assert hot_item["prevention"] == []
    assert [s["what"] for s in hot_item["course"]][-1] == "处理完成"
    assert by_level["hot"]["sections"] == ["简要经过与结论"]

    [major_item] = by_level["major"]["cases"]
    assert major_item["number"] == major.number
    assert by_level["major"]["sections"] == ["事件经过", "投诉爆发或恶化的原因", "预防措施"]
    assert major_item["cause"] == {"findings": "", "root_cause": ""}


def test_brief_of_an_empty_period(org):
    brief = build_brief(make_scope(NOW, pack="internet"), parse_period("2026-10", NOW))
    assert brief["count"] == 0
    assert all(lv["count"] == 0 for lv in brief["packs"][0]["levels"])
