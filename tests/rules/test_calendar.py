"""BusinessCalendar: working days, office hours and deadlines (worked examples, table-driven)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tousu.rules.calendar import BusinessCalendar, DayOverride
from tousu.rules.durations import Duration, TimeUnit
from tousu.rules.office_hours import OfficeHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


# --- working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2026, 9, 30), True, id="ordinary_wednesday_case"),
        pytest.param(date(2026, 10, 1), False, id="national_day_case"),
        pytest.param(date(2026, 10, 7), False, id="national_day_last_case"),
        pytest.param(date(2026, 10, 10), True, id="makeup_saturday_case"),
        pytest.param(date(2026, 10, 11), False, id="ordinary_sunday_case"),
        pytest.param(date(2026, 2, 16), False, id="spring_festival_eve_2026_case"),
        pytest.param(date(2027, 1, 1), True, id="fallback_friday_new_year_2027_case"),
        pytest.param(date(2027, 1, 2), False, id="fallback_saturday_case"),
        pytest.param(date(2003, 1, 6), True, id="fallback_before_package_case"),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 9, 30), "official", id="package_year_case"),
        pytest.param(date(2027, 3, 1), "weekday_fallback", id="unknown_year_case"),
        pytest.param(date(2004, 1, 1), "official", id="first_package_year_case"),
        pytest.param(date(2003, 12, 31), "weekday_fallback", id="before_package_case"),
    ],
)
def test_coverage_without_overrides(day: date, expected: str) -> None:
    assert CAL.coverage(day) == expected


def test_known_years_are_the_package_years() -> None:
    assert {2004, 2025, 2026} <= CAL.known_years
    assert 2027 not in CAL.known_years


def test_describe_day_gives_the_package_name() -> None:
    info = CAL.describe_day(date(2026, 10, 10))
    assert (info.is_working_day, info.name, info.coverage) == (True, "National Day", "official")


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError, match="expected a date"):
        CAL.is_working_day(sh(2026, 9, 30, 10))


def test_next_working_day_skips_the_national_day_week() -> None:
    assert CAL.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)


# --- add: the statutory example -------------------------------------------------------------


def test_telecom_reply_15_working_days_from_2026_09_30() -> None:
    """Seed 000: received 2026-09-30 10:00, 15wd: 10-01…10-07 off, Sat 10-10 worked."""
    due = CAL.add(sh(2026, 9, 30, 10, 0), Duration.parse("15wd"))
    assert due.date() == date(2026, 10, 27)
    assert due == sh(2026, 10, 27, 17, 30)
    assert due.tzinfo == SHANGHAI


# --- add: table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        pytest.param(sh(2026, 9, 30, 10), "10min", sh(2026, 9, 30, 10, 10), id="minutes_case"),
        pytest.param(sh(2026, 9, 30, 23), "2h", sh(2026, 10, 1, 1), id="hours_cross_holiday_case"),
        pytest.param(sh(2026, 9, 30, 10), "3d", sh(2026, 10, 3, 10), id="calendar_days_case"),
        pytest.param(sh(2026, 9, 30, 10), "0min", sh(2026, 9, 30, 10), id="zero_minutes_case"),
        pytest.param(sh(2026, 9, 30, 10), "0wd", sh(2026, 9, 30, 10), id="zero_wd_is_start_case"),
        pytest.param(sh(2026, 10, 3, 10), "0wh", sh(2026, 10, 3, 10), id="zero_wh_is_start_case"),
        pytest.param(sh(2026, 9, 30, 10), "1wd", sh(2026, 10, 8, 17, 30), id="one_wd_case"),
        pytest.param(sh(2026, 9, 30, 23), "1wd", sh(2026, 10, 8, 17, 30), id="late_evening_case"),
        pytest.param(sh(2026, 9, 30, 0), "1wd", sh(2026, 10, 8, 17, 30), id="midnight_case"),
        pytest.param(sh(2026, 10, 9, 10), "1wd", sh(2026, 10, 10, 17, 30), id="to_makeup_sat_case"),
        pytest.param(
            sh(2026, 10, 3, 10), "1wd", sh(2026, 10, 8, 17, 30), id="start_on_holiday_case"
        ),
        pytest.param(
            sh(2026, 10, 17, 9), "1wd", sh(2026, 10, 19, 17, 30), id="start_saturday_case"
        ),
        pytest.param(sh(2026, 10, 16, 9), "1wd", sh(2026, 10, 19, 17, 30), id="start_friday_case"),
        pytest.param(sh(2026, 10, 19, 9), "5wd", sh(2026, 10, 26, 17, 30), id="five_wd_case"),
        pytest.param(sh(2027, 3, 5, 9), "1wd", sh(2027, 3, 8, 17, 30), id="fallback_year_case"),
        pytest.param(sh(2026, 9, 30, 10), "1wh", sh(2026, 9, 30, 11), id="wh_inside_morning_case"),
        pytest.param(sh(2026, 9, 30, 11), "2wh", sh(2026, 9, 30, 14, 30), id="wh_over_lunch_case"),
        pytest.param(
            sh(2026, 9, 30, 12, 30), "1wh", sh(2026, 9, 30, 14, 30), id="wh_in_lunch_case"
        ),
        pytest.param(sh(2026, 9, 30, 9, 30), "7wh", sh(2026, 10, 8, 9), id="wh_spill_case"),
        pytest.param(sh(2026, 10, 8, 8, 30), "7wh", sh(2026, 10, 8, 17, 0), id="wh_half_hour_case"),
        pytest.param(sh(2026, 10, 9, 16), "2wh", sh(2026, 10, 10, 9), id="wh_into_makeup_case"),
        pytest.param(
            sh(2026, 9, 30, 10), "8wh", sh(2026, 10, 8, 10, 30), id="wh_over_holiday_case"
        ),
        pytest.param(sh(2026, 9, 30, 6), "1wh", sh(2026, 9, 30, 9, 30), id="wh_before_open_case"),
        pytest.param(sh(2026, 9, 30, 20), "1wh", sh(2026, 10, 8, 9, 30), id="wh_after_close_case"),
    ],
)
def test_add(start: datetime, duration: str, due: datetime) -> None:
    assert CAL.add(start, Duration.parse(duration)) == due


def test_wh_ending_exactly_at_close_stays_on_that_day() -> None:
    start = sh(2026, 9, 30, 13, 30)
    assert CAL.add(start, Duration.parse("4wh")) == sh(2026, 9, 30, 17, 30)


def test_add_accepts_another_zone_and_answers_in_the_calendar_zone() -> None:
    start_utc = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    due = CAL.add(start_utc, Duration.parse("15wd"))
    assert due == sh(2026, 10, 27, 17, 30)
    assert due.tzinfo == SHANGHAI


def test_utc_evening_is_next_local_day() -> None:
    # 2026-10-09 17:00 UTC is 10-10 01:00 in Shanghai (the make-up Saturday): D = 10-10.
    due = CAL.add(datetime(2026, 10, 9, 17, tzinfo=UTC), Duration.parse("1wd"))
    assert due == sh(2026, 10, 12, 17, 30)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: CAL.add(datetime(2026, 9, 30, 10), Duration.parse("1wd")), id="add"),
        pytest.param(lambda: CAL.next_working_moment(datetime(2026, 9, 30)), id="moment"),
        pytest.param(lambda: CAL.next_daily_cutoff(datetime(2026, 9, 30), time(17)), id="cutoff"),
        pytest.param(
            lambda: CAL.working_days_between(datetime(2026, 9, 30), sh(2026, 10, 30)), id="days"
        ),
        pytest.param(
            lambda: CAL.working_time_between(sh(2026, 9, 30), datetime(2026, 10, 30)), id="time"
        ),
    ],
)
def test_naive_datetime_is_refused(call: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()  # type: ignore[operator]


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add(sh(2026, 9, 30, 10), Duration(-1, TimeUnit.HOURS))


# --- counting back --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 10, 27, 17, 30), 15, id="statutory_case"),
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 10, 27, 8), 15, id="on_due_day_morning_case"),
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 9, 30, 18), 0, id="same_day_case"),
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 10, 7, 18), 0, id="whole_holiday_case"),
        pytest.param(sh(2026, 10, 27, 10), sh(2026, 9, 30, 10), -15, id="reversed_case"),
    ],
)
def test_working_days_between(start: datetime, end: datetime, count: int) -> None:
    assert CAL.working_days_between(start, end) == count


@pytest.mark.parametrize(
    ("start", "end", "office"),
    [
        pytest.param(sh(2026, 9, 30, 8), sh(2026, 9, 30, 20), timedelta(hours=7.5), id="day_case"),
        pytest.param(
            sh(2026, 9, 30, 11), sh(2026, 9, 30, 14), timedelta(hours=1.5), id="lunch_case"
        ),
        pytest.param(sh(2026, 10, 1, 9), sh(2026, 10, 7, 17), timedelta(0), id="holiday_case"),
        pytest.param(sh(2026, 9, 30, 17), sh(2026, 10, 8, 9), timedelta(hours=1), id="across_case"),
        pytest.param(sh(2026, 9, 30, 20), sh(2026, 9, 30, 8), -timedelta(hours=7.5), id="rev_case"),
    ],
)
def test_working_time_between(start: datetime, end: datetime, office: timedelta) -> None:
    assert CAL.working_time_between(start, end) == office


# --- next working moment and daily cutoffs ----------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 9, 30, 10), id="in_office_case"),
        pytest.param(sh(2026, 9, 30, 8, 30), sh(2026, 9, 30, 8, 30), id="at_opening_case"),
        pytest.param(sh(2026, 9, 30, 7), sh(2026, 9, 30, 8, 30), id="before_opening_case"),
        pytest.param(sh(2026, 9, 30, 12), sh(2026, 9, 30, 13, 30), id="lunch_case"),
        pytest.param(sh(2026, 9, 30, 17, 30), sh(2026, 10, 8, 8, 30), id="at_close_case"),
        pytest.param(sh(2026, 10, 4, 10), sh(2026, 10, 8, 8, 30), id="holiday_case"),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert CAL.next_working_moment(moment) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        pytest.param(sh(2026, 9, 30, 10), sh(2026, 9, 30, 17), id="before_cutoff_case"),
        pytest.param(sh(2026, 9, 30, 17), sh(2026, 10, 8, 17), id="at_cutoff_case"),
        pytest.param(sh(2026, 9, 30, 18), sh(2026, 10, 8, 17), id="after_cutoff_case"),
        pytest.param(sh(2026, 10, 9, 18), sh(2026, 10, 10, 17), id="makeup_saturday_case"),
        pytest.param(sh(2026, 10, 11, 9), sh(2026, 10, 12, 17), id="sunday_morning_case"),
    ],
)
def test_next_daily_cutoff(after: datetime, expected: datetime) -> None:
    assert CAL.next_daily_cutoff(after, time(17)) == expected


def test_cutoff_with_tzinfo_is_refused() -> None:
    with pytest.raises(ValueError, match="local time"):
        CAL.next_daily_cutoff(sh(2026, 9, 30, 10), time(17, tzinfo=UTC))


# --- office hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        pytest.param(
            ((time(8, 30), time(12)), (time(11), time(13))),
            "08:30–12:00 and 11:00–13:00 overlap",
            id="overlap_case",
        ),
        pytest.param(
            ((time(13), time(17)), (time(9), time(13, 30))),
            "09:00–13:30 and 13:00–17:00 overlap",
            id="overlap_unsorted_case",
        ),
        pytest.param(((time(17, 30), time(8, 30)),), "17:30–08:30 is reversed", id="reversed_case"),
        pytest.param(((time(9), time(9)),), "09:00–09:00 is reversed or empty", id="empty_case"),
        pytest.param((), "at least one", id="no_ranges_case"),
    ],
)
def test_bad_office_hours_are_refused(ranges: tuple[tuple[time, time], ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(office_hours=ranges)


def test_touching_office_ranges_are_allowed() -> None:
    cal = BusinessCalendar(office_hours=((time(9), time(12)), (time(12), time(18))))
    assert cal.add(sh(2026, 9, 30, 11), Duration.parse("2wh")) == sh(2026, 9, 30, 13)


def test_custom_office_hours_and_zone() -> None:
    cal = BusinessCalendar(
        office_hours=OfficeHours.of([(time(9), time(18))]), time_zone="Asia/Urumqi"
    )
    urumqi = ZoneInfo("Asia/Urumqi")
    due = cal.add(datetime(2026, 9, 30, 10, tzinfo=urumqi), Duration.parse("15wd"))
    assert due == datetime(2026, 10, 27, 18, tzinfo=urumqi)
    assert str(cal.office_hours) == "09:00–18:00"


def test_overrides_accept_plain_booleans() -> None:
    cal = BusinessCalendar(overrides={date(2026, 9, 30): False})
    assert cal.overrides[date(2026, 9, 30)] == DayOverride(False)
    assert cal.add(sh(2026, 9, 29, 10), Duration.parse("1wd")) == sh(2026, 10, 8, 17, 30)
