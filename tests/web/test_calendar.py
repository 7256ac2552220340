"""Calendar overrides in the console (admins): years without official holiday data are
flagged; one date is added, changed and removed; a file is imported all or nothing; bad input
is refused beside the field and stores nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.conftest import page_text
from tousu.clocks import store
from tousu.clocks.models import CalendarDay
from tousu.rules.calendar import OFFICIAL_YEARS

URL = "/console/manage/calendar/"
NEW_YEAR = date(2031, 1, 1)  # a Wednesday, in a year the holiday package does not know


@pytest.fixture(autouse=True)
def fresh_calendar():
    store.invalidate()
    yield
    store.invalidate()


@pytest.fixture
def admin(client_as):
    return client_as("admin")


def test_years_without_official_data_are_flagged(admin):
    assert NEW_YEAR.year not in OFFICIAL_YEARS
    CalendarDay.objects.create(date=date(2031, 10, 1), is_working_day=False, name="国庆节")
    text = page_text(admin.get(URL))
    assert "各年份的数据来源" in text
    assert "国庆节" in text
    assert "2031" in text
    unknown = [y for y in range(2026, 2031) if y not in OFFICIAL_YEARS]
    if unknown:  # the next year the package lacks, without overrides: weekdays only
        assert "需录入" in text


def test_add_change_and_delete_one_date(admin):
    response = admin.post(URL, {"day-date": "2031-01-01", "day-kind": "off", "day-name": "元旦"})
    assert response.status_code == 302
    assert store.current().is_working_day(NEW_YEAR) is False
    assert "已添加 2031-01-01" in page_text(admin.get(URL))

    admin.post(URL, {"day-date": "2031-01-01", "day-kind": "work", "day-name": ""})
    assert CalendarDay.objects.get(date=NEW_YEAR).is_working_day
    assert store.current().is_working_day(NEW_YEAR) is True

    assert admin.post(URL, {"delete": "2031-01-01"}).status_code == 302
    assert not CalendarDay.objects.exists()
    assert store.current().coverage(NEW_YEAR) == "weekday_fallback"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"day-date": "2031-02-30", "day-kind": "off"}, "day-date", "年-月-日"),
        ({"day-date": "", "day-kind": "off"}, "day-date", "这个字段是必填项"),
        ({"day-date": "1999-10-01", "day-kind": "off"}, "day-date", "2000 年至 2100 年"),
        ({"day-date": "2031-01-01", "day-kind": "holiday"}, "day-kind", "选择一个有效的选项"),
        ({"day-date": "2031-01-01", "day-kind": "off", "day-name": "长" * 61}, "day-name", "60"),
    ],
    ids=["no_such_day", "empty_date", "out_of_range", "unknown_kind", "long_name"],
)
def test_bad_day_is_refused_beside_the_field(admin, data, field, words):
    response = admin.post(URL, data)
    assert response.status_code == 422
    text = page_text(response)
    error_start = text.index(f'id="id_{field}_error"')
    assert words in text[error_start:error_start + 300]
    assert f'value="{data["day-date"]}"' in text or not data["day-date"]  # kept as typed
    assert not CalendarDay.objects.exists()


def upload(client: Client, text: str, name: str = "2031.csv"):
    return client.post(URL, {"form": "import",
                             "import-file": SimpleUploadedFile(name, text.encode("utf-8"))})


def test_import_a_file(admin):
    response = upload(admin, "date,kind,name\n2031-01-01,off,元旦\n2031-01-26,work,春节调休\n")
    assert response.status_code == 302
    assert store.current().is_working_day(date(2031, 1, 26)) is True  # a Sunday made working
    assert "已导入 2 个日期" in page_text(admin.get(URL))


def test_a_bad_line_imports_nothing_and_names_the_line(admin):
    response = upload(admin, "2031-01-01,off,元旦\n2031-01-26,holiday\n")
    assert response.status_code == 422
    text = page_text(response)
    assert "第 2 行" in text
    assert "类型只能是 off" in text
    assert 'id="id_import-file_error"' in text
    assert not CalendarDay.objects.exists()


def test_duplicate_date_in_file_is_named(admin):
    response = upload(admin, "2031-01-01,off\n2031-01-01,work\n")
    assert response.status_code == 422
    assert "第 1 行已出现过" in page_text(response)
    assert not CalendarDay.objects.exists()


def test_deleting_an_unknown_date_says_so(admin):
    response = admin.post(URL, {"delete": "2031-13-01"}, follow=True)
    assert "没有这一天的调整" in page_text(response)


def test_only_admins_and_only_with_csrf(client_as, org):
    assert client_as("supervisor").get(URL).status_code == 403
    refused = client_as("supervisor").post(URL, {"day-date": "2031-01-01", "day-kind": "off"})
    assert refused.status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(org.users["admin"])
    response = strict.post(URL, {"day-date": "2031-01-01", "day-kind": "off"})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_calendar_page_in_english(admin):
    admin.post("/console/language/", {"language": "en", "next": URL})
    response = admin.post(URL, {"day-date": "2031-02-30", "day-kind": "off"})
    text = page_text(response)
    assert "Where each year's days come from" in text
    assert "Enter the date as year-month-day" in text
