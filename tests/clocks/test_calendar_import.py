"""``tousu calendar import``: overrides for years the package does not know, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import at
from tousu.cases.clocks import business_calendar
from tousu.cli import main
from tousu.clocks.models import CalendarDay
from tousu.rules.durations import Duration

pytestmark = pytest.mark.django_db

GOOD = """date,kind,name
# 2027 is not in chinese-calendar yet
2027-01-01,off,元旦
2027-02-07,work,春节调休
2027-02-08,off,春节
"""


def run_import(path) -> int:
    return main(["calendar", "import", str(path)])


def test_good_file_is_stored_and_used_by_deadlines(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert run_import(path) == 0
    assert "3 date(s) stored (3 new, 0 updated)" in capsys.readouterr().out
    assert CalendarDay.objects.get(date=date(2027, 2, 7)).is_working_day is True
    calendar = business_calendar()
    assert calendar.is_working_day(date(2027, 2, 7))  # a Sunday made a working day
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.coverage(date(2027, 3, 3)) == "override"
    # received on Thursday 2026-12-31: 1 working day skips New Year's Day and the weekend
    assert calendar.add(at("2026-12-31 10:00"), Duration.parse("1wd")) == at("2027-01-04 17:30")
    assert run_import(path) == 0  # again: updated, not duplicated
    assert "(0 new, 3 updated)" in capsys.readouterr().out
    assert CalendarDay.objects.count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01,off\n2027/01/02,off\n", ":2: not a date in YYYY-MM-DD form: '2027/01/02'"),
        ("2027-01-01,off\n\n2027-02-30,work\n", ":3: no such date: '2027-02-30'"),
        ("2027-01-01,holiday\n", ":1: unknown kind (use off or work): 'holiday'"),
        ("2027-01-01,off\n2027-01-01,work\n", ":2: date already listed on line 1"),
        ("date,kind\n01/02/2027,off\n", ":2: not a date in YYYY-MM-DD form: '01/02/2027'"),
        ("2027-01-01,off\n2027年1月2日,off\n", ":2: not a date in YYYY-MM-DD form: '2027年1月2日'"),
        ("2027-01-01\n", ":1: expected date,kind[,name] (e.g. 2027-01-01,off,元旦): '2027-01-01'"),
    ],
    ids=["format", "no_such_date", "kind", "duplicate", "us_format", "chinese_format", "no_kind"],
)
def test_bad_file_names_file_and_line_and_stores_nothing(tmp_path, capsys, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    assert run_import(path) == 2
    err = capsys.readouterr().err
    assert f"{path}{message}" in err
    assert "nothing was stored" in err
    assert CalendarDay.objects.count() == 0


def test_missing_and_unreadable_files(tmp_path, capsys):
    assert run_import(tmp_path / "none.csv") == 2
    assert "no such file" in capsys.readouterr().err
    binary = tmp_path / "gbk.csv"
    binary.write_bytes("2027-01-01,off,元旦".encode("gbk"))
    assert run_import(binary) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_a_bad_line_after_good_ones_keeps_the_stored_dates(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("2027-01-01,off,元旦\n", encoding="utf-8")
    assert run_import(good) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,work,改了\n2027-02-08,off\n2027.02.09,off\n", encoding="utf-8")
    assert run_import(bad) == 2
    assert f"{bad}:3: not a date in YYYY-MM-DD form: '2027.02.09'" in capsys.readouterr().err
    assert list(CalendarDay.objects.values_list("date", "is_working_day", "name")) == [
        (date(2027, 1, 1), False, "元旦")
    ]


def test_calendar_without_an_action_explains(db, capsys):
    assert main(["calendar"]) == 2
    assert "tousu calendar import FILE" in capsys.readouterr().err
