"""BusinessCalendar properties (hypothesis): round trips, working-day deadlines, monotonicity."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tousu.rules.calendar import BusinessCalendar, DayOverride
from tousu.rules.durations import Duration, TimeUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2027 is outside the package: half the calendars get a few overrides there, half fall back.
CALENDARS = st.sampled_from(
    [
        BusinessCalendar(),
        BusinessCalendar(
            overrides={
                date(2027, 1, 1): DayOverride(False, "元旦"),
                date(2027, 2, 6): DayOverride(False, "春节"),
                date(2027, 2, 7): DayOverride(True, "春节调休"),
            }
        ),
        BusinessCalendar(office_hours=((time(9), time(12)), (time(12), time(18, 15)))),
    ]
)
ZONES = st.sampled_from([SHANGHAI, ZoneInfo("UTC"), ZoneInfo("America/New_York")])
MOMENTS = st.datetimes(
    min_value=datetime(2025, 9, 1), max_value=datetime(2027, 3, 1), timezones=ZONES
)
AMOUNTS = st.integers(min_value=0, max_value=40)
UNITS = st.sampled_from(list(TimeUnit))


@given(CALENDARS, MOMENTS, AMOUNTS)
def test_adding_n_working_days_then_counting_back_gives_n(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.add(start, Duration(n, TimeUnit.WORKING_DAYS))
    assert cal.working_days_between(start, due) == n


@given(CALENDARS, MOMENTS, AMOUNTS)
def test_adding_n_working_hours_then_measuring_back_gives_n(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.add(start, Duration(n, TimeUnit.WORKING_HOURS))
    assert cal.working_time_between(start, due) == timedelta(hours=n)


@given(CALENDARS, MOMENTS, st.integers(min_value=1, max_value=40))
def test_no_working_day_deadline_falls_on_a_non_working_day(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.add(start, Duration(n, TimeUnit.WORKING_DAYS))
    assert cal.is_working_day(due.date())
    assert due.time() == cal.office_hours.ranges[-1][1]  # the close of office hours


@given(CALENDARS, MOMENTS, st.integers(min_value=1, max_value=40))
def test_working_hour_deadlines_lie_in_office_hours(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.add(start, Duration(n, TimeUnit.WORKING_HOURS))
    assert cal.is_working_day(due.date())
    assert any(opens < due.time() <= closes for opens, closes in cal.office_hours.ranges)


@given(CALENDARS, MOMENTS, MOMENTS, AMOUNTS, UNITS)
def test_a_later_start_never_gives_an_earlier_deadline(
    cal: BusinessCalendar, first: datetime, second: datetime, n: int, unit: TimeUnit
) -> None:
    earlier, later = sorted((first, second))
    duration = Duration(n, unit)
    assert cal.add(earlier, duration) <= cal.add(later, duration)


@given(CALENDARS, MOMENTS, AMOUNTS, UNITS)
def test_a_longer_limit_never_gives_an_earlier_deadline(
    cal: BusinessCalendar, start: datetime, n: int, unit: TimeUnit
) -> None:
    assert cal.add(start, Duration(n, unit)) <= cal.add(start, Duration(n + 1, unit))


@given(CALENDARS, MOMENTS, AMOUNTS, UNITS)
def test_results_are_aware_in_the_calendar_zone_and_not_before_the_start(
    cal: BusinessCalendar, start: datetime, n: int, unit: TimeUnit
) -> None:
    due = cal.add(start, Duration(n, unit))
    assert due.tzinfo is cal.tz
    assert due >= start


@given(CALENDARS, MOMENTS)
def test_next_working_moment_is_office_time_and_nothing_earlier_is(
    cal: BusinessCalendar, moment: datetime
) -> None:
    found = cal.next_working_moment(moment)
    assert found >= moment
    assert cal.is_working_day(found.date())
    assert any(opens <= found.time() < closes for opens, closes in cal.office_hours.ranges)
    assert cal.working_time_between(moment, found) == timedelta(0)


@given(CALENDARS, MOMENTS, st.times())
def test_next_daily_cutoff_is_the_first_working_cutoff_after(
    cal: BusinessCalendar, after: datetime, cutoff: time
) -> None:
    found = cal.next_daily_cutoff(after, cutoff)
    assert found > after
    assert found.time() == cutoff
    assert cal.is_working_day(found.date())
    previous_day = cal.local(after).date()
    while previous_day < found.date():  # no working day in between had a cutoff after `after`
        candidate = datetime.combine(previous_day, cutoff, tzinfo=cal.tz)
        assert not (cal.is_working_day(previous_day) and candidate > after)
        previous_day += timedelta(days=1)


@settings(max_examples=50)
@given(CALENDARS, MOMENTS, MOMENTS)
def test_counts_are_antisymmetric(cal: BusinessCalendar, first: datetime, second: datetime) -> None:
    assert cal.working_days_between(first, second) == -cal.working_days_between(second, first)
    assert cal.working_time_between(first, second) == -cal.working_time_between(second, first)
