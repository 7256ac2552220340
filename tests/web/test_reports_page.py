"""The report page (/console/reports/): who may open it, the figures it shows on the known
cases of tests/reports/data.py, its charts' data, the downloads and bad choices."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reports.data import build
from tests.web.conftest import choose_english, page_text

URL = "/console/reports/"
DOWNLOAD = "/console/reports/download/"


@pytest.fixture(autouse=True)
def no_stats_cache(settings):
    """Each test computes its figures (the result cache is tested in tests/reports)."""
    from django.core.cache import cache

    settings.TOUSU_STATS_CACHE_SECONDS = 0
    cache.clear()


def charts(response) -> dict:
    match = re.search(
        r'<script id="report-charts" type="application/json">(.*?)</script>',
        page_text(response),
        re.S,
    )
    assert match
    return json.loads(match.group(1))


def section(response, by: str) -> str:
    match = re.search(
        rf'<section class="panel" id="dim-{by}">(.*?)</section>', page_text(response), re.S
    )
    assert match, by
    return match.group(1)


def row_cells(html: str, name: str) -> list[str]:
    """The cells of the table row whose first cell is ``name``, tags removed."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r}")


@pytest.mark.parametrize("role", ["supervisor", "manager", "quality", "auditor", "admin"])
def test_report_roles_open_the_page_and_see_it_in_the_nav(client_as, role):
    response = client_as(role).get(URL, {"period": "2026-10"})
    assert response.status_code == 200
    assert f'href="{URL}"' in page_text(response)


@pytest.mark.parametrize("role", ["agent", "handler_eng", "dispatcher"])
def test_other_roles_are_refused(client_as, role):
    response = client_as(role).get(URL)
    assert response.status_code == 403
    assert f'href="{URL}"' not in page_text(client_as(role).get("/console/"))


def test_default_is_last_month(client_as, org):
    from django.utils import timezone

    from tousu.reports.periods import last_month

    expected = last_month(timezone.now())
    response = client_as("supervisor").get(URL)
    assert response.status_code == 200
    assert f'name="month" value="{expected.code}"' in page_text(response)
    assert expected.label() in page_text(response)


def test_figures_match_the_known_cases(client_as, org):
    build(org)
    response = client_as("supervisor").get(URL, {"kind": "month", "month": "2026-10"})
    assert response.status_code == 200
    html = page_text(response)
    assert re.search(r'id="total-count">8<', html)  # 8 cases received in October
    totals = re.search(r'id="totals-table">(.*?)</table>', html, re.S).group(1)
    assert row_cells(totals, "满意率") == ["满意率", "100.0%", "100.0%"]
    assert row_cells(totals, "重复投诉率") == ["重复投诉率", "25.0%", "0.0%"]
    assert row_cells(totals, "越级投诉率") == ["越级投诉率", "12.5%", "0.0%"]
    assert row_cells(totals, "一次解决率") == ["一次解决率", "14.3%", "0.0%"]
    assert row_cells(totals, "90%处理时长(小时)") == ["90%处理时长(小时)", "72.00", "24.00"]
    category = section(response, "category")
    water = row_cells(category, "上下水管道与落水管")
    assert water[1:4] == ["2", "1", "+100.0%"]  # A and B now, P1 before
    channel = section(response, "channel")
    assert row_cells(channel, "电话")[1:3] == ["6", "2"]
    assert row_cells(channel, "媒体")[1:3] == ["1", "0"]
    data = charts(response)
    by_channel = next(d for d in data["dims"] if d["id"] == "chart-channel")
    assert dict(zip(by_channel["names"], by_channel["now"], strict=True))["电话"] == 6
    assert [d["id"] for d in data["dims"]][:3] == ["chart-category", "chart-unit", "chart-severity"]
    assert 'src="/static/console/vendor/echarts.min.js"' in html


def test_one_dimension_quarter_and_range(client_as, org):
    build(org)
    client = client_as("manager")
    only = client.get(URL, {"period": "2026-10", "by": "validity"})
    assert 'id="dim-validity"' in page_text(only)
    assert 'id="dim-category"' not in page_text(only)
    quarter = client.get(URL, {"kind": "quarter", "quarter": "2026-Q4"})
    assert re.search(r'id="total-count">8<', page_text(quarter))  # Oct–Dec
    days = client.get(URL, {"kind": "range", "start": "2026-10-12", "end": "2026-10-13"})
    assert re.search(r'id="total-count">3<', page_text(days))  # A, T (12th) and B (13th)
    assert 'name="start" value="2026-10-12"' in page_text(days)


def test_pack_filter(client_as, org):
    build(org)
    response = client_as("supervisor").get(URL, {"period": "2026-10", "pack": "telecom"})
    assert re.search(r'id="total-count">1<', page_text(response))


def test_empty_period_is_an_empty_report(client_as, org):
    response = client_as("supervisor").get(URL, {"period": "2025-03"})
    assert response.status_code == 200
    assert 'id="report-empty"' in page_text(response)
    assert re.search(r'id="total-count">0<', page_text(response))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "2099-01"}, "尚未开始"),
        ({"kind": "month", "month": "2098-05"}, "尚未开始"),
        ({"period": "last-year"}, "无法识别的统计期间"),
        ({"kind": "month", "month": "2026-13"}, "请选择月份"),
        ({"kind": "range", "start": "2026-10-20", "end": "2026-10-01"}, "结束日期早于开始日期"),
        ({"kind": "range", "start": "2026-02-30", "end": "2026-03-01"}, "请填写起止日期"),
        ({"kind": "quarter", "quarter": "2026-Q5"}, "请选择季度"),
        ({"period": "2026-10", "by": "colour"}, "未知的统计维度"),
        ({"period": "2026-10", "pack": "nosuch"}, "未知的行业"),
        ({"kind": "weekly", "month": "2026-10"}, "未知的期间类型"),
    ],
)
def test_bad_choices_get_a_message_not_a_traceback(client_as, org, params, message):
    response = client_as("supervisor").get(URL, params)
    assert response.status_code == 400
    assert message in page_text(response)
    assert 'id="report-form"' in page_text(response)  # the form is there to try again


def test_downloads(client_as, org):
    build(org)
    client = client_as("supervisor")
    xlsx = client.get(DOWNLOAD, {"period": "2026-10", "file": "analysis", "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="analysis-2026-10.xlsx"'
    book = load_workbook(BytesIO(xlsx.content), read_only=True)
    assert "指标汇总" in book.sheetnames
    pdf = client.get(DOWNLOAD, {"period": "2026-10", "file": "analysis", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    brief = client.get(DOWNLOAD, {"period": "2026-10", "file": "brief", "format": "pdf"})
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(brief.content)).pages)
    assert "质量简报" in text
    regulator = client.get(DOWNLOAD, {"period": "2026-Q4", "file": "regulator", "format": "xlsx"})
    assert regulator.status_code == 200
    assert load_workbook(BytesIO(regulator.content), read_only=True).sheetnames
    page = page_text(client.get(URL, {"period": "2026-10"}))
    assert f"{DOWNLOAD}?period=2026-10&amp;pack=&amp;file=analysis&amp;format=pdf" in page


def test_bad_download_is_refused_with_a_message(client_as, org):
    client = client_as("supervisor")
    wrong = client.get(DOWNLOAD, {"period": "2026-10", "file": "regulator", "format": "pdf"})
    assert wrong.status_code == 400
    assert "不支持的下载格式" in page_text(wrong)
    future = client.get(DOWNLOAD, {"period": "2098-01", "file": "analysis", "format": "xlsx"})
    assert future.status_code == 400
    assert "尚未开始" in page_text(future)
    assert client_as("agent").get(DOWNLOAD, {"period": "2026-10"}).status_code == 403


def test_english_page(client_as, org):
    response = choose_english(client_as("supervisor")).get(URL, {"period": "2026-10"})
    html = page_text(response)
    assert "Reports" in html
    assert "Satisfaction rate" in html
    assert "By Category" in html or "By category" in html
