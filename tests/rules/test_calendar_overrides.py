"""Calendar overrides: the override file parser and how overrides beat the package."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tousu.rules.calendar import BusinessCalendar, DayOverride, OverrideFileError, parse_overrides
from tousu.rules.durations import Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")

OVERRIDES_2027 = """\
# 2027 public holidays, entered by the administrator
date,kind,name
2027-01-01,off,元旦
2027-02-06,off,春节
2027-02-07,work,春节调休

2027-10-01,OFF,"国庆节, 第一天"
2027-10-02 , off
"""


def test_parse_overrides_reads_header_comments_blank_lines_and_quotes() -> None:
    assert parse_overrides(OVERRIDES_2027, "2027.csv") == {
        date(2027, 1, 1): DayOverride(False, "元旦"),
        date(2027, 2, 6): DayOverride(False, "春节"),
        date(2027, 2, 7): DayOverride(True, "春节调休"),
        date(2027, 10, 1): DayOverride(False, "国庆节, 第一天"),
        date(2027, 10, 2): DayOverride(False, ""),
    }


def test_parse_overrides_without_header_and_with_bom() -> None:
    text = "\ufeff2027-01-01,off,元旦\r\n2027-02-07,work\r\n"
    assert parse_overrides(text, "x.csv") == {
        date(2027, 1, 1): DayOverride(False, "元旦"),
        date(2027, 2, 7): DayOverride(True, ""),
    }


def test_parse_overrides_of_empty_text() -> None:
    assert parse_overrides("# nothing yet\n", "empty.csv") == {}


@pytest.mark.parametrize(
    ("text", "line", "value", "problem"),
    [
        pytest.param("2027/01/01,off", 1, "2027/01/01", "YYYY-MM-DD", id="slashes_case"),
        pytest.param("date,kind\n20270101,off", 2, "20270101", "YYYY-MM-DD", id="compact_case"),
        pytest.param("2027-02-30,off", 1, "2027-02-30", "no such date", id="no_such_date_case"),
        pytest.param("2027-01-01,holiday", 1, "holiday", "unknown kind", id="unknown_kind_case"),
        pytest.param("2027-01-01,休", 1, "休", "unknown kind", id="chinese_kind_case"),
        pytest.param("2027-01-01", 1, "2027-01-01", "expected date,kind", id="no_kind_case"),
        pytest.param("2027-01-01,off,a,b", 1, "2027-01-01,off,a,b", "expected", id="extra_case"),
        pytest.param(
            "2027-01-01,off\n#\n2027-01-01,work", 3, "2027-01-01", "line 1", id="duplicate_case"
        ),
        pytest.param("2027-01-01,off\ndate,kind", 2, "date", "YYYY-MM-DD", id="late_header_case"),
    ],
)
def test_parse_overrides_errors_name_file_line_and_value(
    text: str, line: int, value: str, problem: str
) -> None:
    with pytest.raises(OverrideFileError) as raised:
        parse_overrides(text, "holidays-2027.csv")
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.filename, error.line, error.value) == ("holidays-2027.csv", line, value)
    assert str(error).startswith(f"holidays-2027.csv:{line}: ")
    assert problem in str(error)
    assert repr(value) in str(error)


# --- overrides in the calendar ----------------------------------------------------------------

CAL_2027 = BusinessCalendar(overrides=parse_overrides(OVERRIDES_2027, "2027.csv"))


@pytest.mark.parametrize(
    ("day", "working", "coverage"),
    [
        pytest.param(date(2027, 1, 1), False, "override", id="override_off_case"),
        pytest.param(date(2027, 2, 7), True, "override", id="override_work_sunday_case"),
        pytest.param(date(2027, 3, 1), True, "override", id="configured_year_monday_case"),
        pytest.param(date(2027, 3, 6), False, "override", id="configured_year_saturday_case"),
        pytest.param(date(2028, 3, 6), True, "weekday_fallback", id="unconfigured_year_case"),
        pytest.param(date(2026, 10, 1), False, "official", id="package_year_case"),
    ],
)
def test_overrides_and_coverage(day: date, working: bool, coverage: str) -> None:
    assert CAL_2027.is_working_day(day) is working
    assert CAL_2027.coverage(day) == coverage


def test_known_years_include_override_years() -> None:
    assert 2027 in CAL_2027.known_years
    assert 2028 not in CAL_2027.known_years


def test_override_beats_the_package() -> None:
    cal = BusinessCalendar(
        overrides={
            date(2026, 10, 8): DayOverride(False, "local holiday"),
            date(2026, 10, 11): DayOverride(True, "stock-take Sunday"),
        }
    )
    assert cal.describe_day(date(2026, 10, 8)).name == "local holiday"
    assert cal.coverage(date(2026, 10, 8)) == "override"
    assert not cal.is_working_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 11))
    start = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    # working days after 09-30: 10-09, 10-10, 10-11, 10-12
    assert cal.add(start, Duration.parse("4wd")) == datetime(2026, 10, 12, 17, 30, tzinfo=SHANGHAI)


def test_new_year_2027_override_moves_the_deadline() -> None:
    start = datetime(2026, 12, 31, 10, tzinfo=SHANGHAI)
    assert BusinessCalendar().add(start, Duration.parse("1wd")).date() == date(2027, 1, 1)
    assert CAL_2027.add(start, Duration.parse("1wd")).date() == date(2027, 1, 4)


def test_a_bad_override_value_is_refused() -> None:
    with pytest.raises(TypeError, match="2027-01-01"):
        BusinessCalendar(overrides={date(2027, 1, 1): "off"})  # type: ignore[dict-item]


def test_a_datetime_override_key_is_refused() -> None:
    with pytest.raises(TypeError, match="expected a date"):
        BusinessCalendar(overrides={datetime(2027, 1, 1, tzinfo=SHANGHAI): False})


def test_a_calendar_with_no_working_days_says_so() -> None:
    all_off = {date(2027, 1, 1) + timedelta(days=offset): False for offset in range(400)}
    with pytest.raises(ValueError, match="check the calendar overrides"):
        BusinessCalendar(overrides=all_off).next_working_day(date(2026, 12, 31))
