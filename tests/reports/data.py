"""Known cases for the statistics tests, each built through the lifecycle services.

October 2026 (property pack unless said), as of 2026-11-05 12:00 Shanghai:

| case | category | channel | course | notes |
|---|---|---|---|---|
| A | equipment_water (minor) | phone | ack on time, resolved in 7 h, replied, satisfied | valid |
| B | equipment_water (minor) | phone | ack late, resolved late (72 h), replied, so-so | valid |
| C | security_visitors (minor) | walk_in | closed at the window after 10 min | assist |
| D | environment_cleaning | media → major | untouched; resolve due passed | not triaged |
| E | equipment_lighting | phone | marked invalid | invalid |
| F | service_fees (minor) | phone | repeat of A; ack on time; unresolved, due passed | valid |
| G | security_visitors (minor) | phone | dispatched to sec, never acknowledged; urged | valid |
| T | telecom billing_other | phone | resolved and replied within the statutory limit | telecom |

September 2026: P1 closed (satisfied, 24 h), P2 registered and left open.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import act, at, intake

AS_OF = "2026-11-05 12:00"


@dataclass
class Dataset:
    cases: dict


def _triage(org, case, when, **fields):
    return act(org, "dispatcher", "triage", case, now=at(when), **fields)


def _dispatch(org, case, unit, when):
    return act(org, "dispatcher", "dispatch", case, units=[unit], now=at(when))


def _closed_case(org, start, category, hours_to_resolve, ack_minutes, satisfaction, **extra):
    """Received at ``start``; dispatched 5 min later to eng; acknowledged after
    ``ack_minutes``; resolved after ``hours_to_resolve``; replied 1 h later; followed up."""
    from datetime import timedelta

    t0 = at(start)
    case = intake(org, now=t0, **extra)
    act(
        org,
        "dispatcher",
        "triage",
        case,
        category=category,
        severity="minor",
        validity="valid",
        now=t0 + timedelta(minutes=2),
    )
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=t0 + timedelta(minutes=5))
    act(org, "handler_eng", "acknowledge", case, now=t0 + timedelta(minutes=5 + ack_minutes))
    act(
        org,
        "handler_eng",
        "resolve",
        case,
        findings="排水管老化开裂",
        root_cause="管材老化",
        responsibility_class="class1",
        now=t0 + timedelta(hours=hours_to_resolve),
    )
    act(
        org,
        "agent",
        "reply",
        case,
        message="已处理完毕",
        now=t0 + timedelta(hours=hours_to_resolve + 1),
    )
    return act(
        org,
        "quality",
        "follow-up",
        case,
        satisfaction=satisfaction,
        now=t0 + timedelta(hours=hours_to_resolve + 20),
    )


def build(org) -> Dataset:
    cases = {}
    cases["A"] = _closed_case(org, "2026-10-12 09:00", "equipment_water", 7, 15, "satisfied")
    cases["B"] = _closed_case(
        org, "2026-10-13 09:00", "equipment_water", 72, 55, "basically_satisfied"
    )
    c = intake(org, now=at("2026-10-14 10:00"), channel="walk_in", walk_in_confirmed=True)
    _triage(org, c, "2026-10-14 10:02", category="security_visitors", validity="assist")
    cases["C"] = act(
        org, "agent", "close-at-window", c, wording="已当面解释", now=at("2026-10-14 10:10")
    )
    cases["D"] = intake(
        org,
        now=at("2026-10-05 10:00"),
        channel="media",
        description="小区垃圾堆积无人清理，已被媒体报道",
    )
    e = intake(org, now=at("2026-10-15 09:00"))
    _triage(org, e, "2026-10-15 09:05", category="equipment_lighting")
    cases["E"] = act(
        org, "dispatcher", "mark-invalid", e, validity_reason="untrue", now=at("2026-10-15 10:00")
    )
    f = intake(
        org,
        now=at("2026-10-20 09:00"),
        repeat_of=cases["A"].number,
        dissatisfaction_reason="维修后又漏水",
        description="楼上又漏水了",
    )
    _triage(org, f, "2026-10-20 09:02", category="service_fees", validity="valid")
    _dispatch(org, f, "eng", "2026-10-20 09:05")
    cases["F"] = act(org, "handler_eng", "acknowledge", f, now=at("2026-10-20 09:10"))
    g = intake(org, now=at("2026-10-21 09:00"), description="外来人员随意进出")
    _triage(org, g, "2026-10-21 09:02", category="security_visitors", validity="valid")
    _dispatch(org, g, "sec", "2026-10-21 09:05")
    cases["G"] = act(org, "agent", "urge", g, note="业主催促", now=at("2026-10-22 09:00"))
    cases["T"] = _telecom_case(org)
    cases["P1"] = _closed_case(org, "2026-09-10 09:00", "equipment_water", 24, 10, "satisfied")
    cases["P2"] = intake(org, now=at("2026-09-20 09:00"))
    return Dataset({k: v.__class__.objects.get(pk=v.pk) for k, v in cases.items()})


def _telecom_case(org):
    t = intake(org, now=at("2026-10-12 09:00"), pack="telecom", description="本月话费异常偏高")
    _triage(org, t, "2026-10-12 09:02", category="billing_other", validity="valid")
    _dispatch(org, t, "eng", "2026-10-12 09:05")
    act(org, "handler_eng", "acknowledge", t, now=at("2026-10-12 09:10"))
    act(org, "handler_eng", "resolve", t, findings="套餐变更未生效", now=at("2026-10-13 09:00"))
    return act(org, "agent", "reply", t, message="已退还多收费用", now=at("2026-10-13 10:00"))
