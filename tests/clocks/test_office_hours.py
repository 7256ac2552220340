"""Office hours per pack (``sla.office_hours``) and per unit (``Unit.office_hours``): a work
order's working-hour clocks run in its unit's hours, else the pack's, else the default
(08:30–12:00, 13:30–17:30); a case's own clocks in the pack's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.clocks.helpers import dispatched, steps
from tests.factories import at, intake
from tousu.cases.sweep import run_sweep
from tousu.org.models import Unit
from tousu.packs.loader import DATA_DIR
from tousu.packs.registry import install_pack_text

pytestmark = pytest.mark.django_db


def property_pack(*, clock: str = "acknowledge: 30min", to: str = "acknowledge: 4wh",
                  hours: str | None = None) -> None:  # fmt: skip
    """The builtin property pack with one clock counted in working hours (``4wh``) and, when
    given, its own office hours."""
    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    assert text.count(f"      {clock}\n") == 1 and text.count("  warning_margin: 2h\n") == 1
    text = text.replace(f"      {clock}\n", f"      {to}\n")
    if hours is not None:
        margin = "  warning_margin: 2h\n"
        text = text.replace(margin, f"{margin}  office_hours: {hours}\n")
    install_pack_text(text, "property.yaml")


def unit_hours(org, code: str, text: str | None) -> None:
    unit = org.units[code]
    unit.office_hours = text
    unit.full_clean()
    unit.save()


def ack_due(org):
    """Issued Monday 2026-11-02 09:05 to engineering; signed for within 4 working hours."""
    case = dispatched(org)  # received 09:00, dispatched 09:05
    return case.work_orders.get().due_acknowledge


def test_default_office_hours_skip_the_lunch_break(org):
    property_pack()
    # 09:05–12:00 is 2 h 55 min; the last 65 min run from 13:30
    assert ack_due(org) == at("2026-11-02 14:35")


def test_a_units_own_hours_move_its_work_orders_deadline(org):
    property_pack()
    unit_hours(org, "eng", "09:00-18:00")
    assert ack_due(org) == at("2026-11-02 13:05")  # no lunch break: four hours straight


def test_the_packs_hours_apply_when_the_unit_has_none(org):
    property_pack(hours='["09:00-12:00", "13:00-18:00"]')
    assert ack_due(org) == at("2026-11-02 14:05")  # 175 min before noon, 65 after 13:00


def test_the_units_hours_win_over_the_packs(org):
    property_pack(hours='["09:00-12:00", "13:00-18:00"]')
    unit_hours(org, "eng", "09:00-18:00")
    assert ack_due(org) == at("2026-11-02 13:05")


def test_case_clocks_use_the_packs_hours_not_a_units(org):
    property_pack(clock="dispatch: 10min", to="dispatch: 4wh", hours='["09:00-18:00"]')
    unit_hours(org, "hq", "08:00-12:00, 14:00-16:00")
    case = intake(org, now=at("2026-11-02 09:00"), category="equipment")
    assert case.due_acknowledge == at("2026-11-02 13:00")


def test_the_sweep_escalates_on_the_units_deadline(org):
    property_pack()
    unit_hours(org, "eng", "09:00-18:00")
    case = dispatched(org)
    order = case.work_orders.get()
    assert order.next_due_at == at("2026-11-02 13:05")
    run_sweep(at("2026-11-02 13:06"))  # past the unit's deadline, before the default's 14:35
    assert steps(case) == [("notify_handler", order.pk)]
    assert run_sweep(at("2026-11-02 13:06")).summary() == "nothing to do"


def test_the_sweep_keeps_the_default_for_other_units(org):
    property_pack()
    unit_hours(org, "sec", "09:00-18:00")  # another unit's hours change nothing for eng
    case = dispatched(org)
    run_sweep(at("2026-11-02 13:06"))
    assert steps(case) == []
    run_sweep(at("2026-11-02 14:36"))
    assert steps(case) == [("notify_handler", case.work_orders.get().pk)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("09:00-12:00, 11:00-18:00", "11:00–18:00 与另一个时间段重叠"),
        ("09:00-25:00", "无效的时刻"),
        ("18:00-09:00", "开始时刻须早于结束时刻"),
        ("九点到六点", "不是时间段"),
    ],
)
def test_bad_unit_hours_are_refused_and_nothing_is_saved(org, text, words):
    unit = Unit.objects.get(code="eng")
    unit.office_hours = text
    with pytest.raises(ValidationError) as caught:
        unit.full_clean()
    messages = caught.value.message_dict["office_hours"]
    assert any(words in m for m in messages), messages
    assert Unit.objects.get(code="eng").office_hours is None


def test_the_refusal_reads_in_english_too(org):
    from django.utils import translation

    unit = Unit.objects.get(code="eng")
    unit.office_hours = "09:00-12:00, 11:00-18:00"
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            unit.full_clean()
        messages = caught.value.message_dict["office_hours"]  # rendered in the active language
    assert messages == ["The range 11:00–18:00 overlaps another range."]
