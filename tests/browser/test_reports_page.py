"""The report page in a real browser: a supervisor opens last month's analysis (the default),
picks October 2026, and ECharts draws the bar charts (a canvas in each chart box)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.reports.data import build
from tousu.reports.periods import last_month

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_sees_the_october_analysis_with_charts(desk, org):
    build(org)
    supervisor = desk("supervisor")
    page = supervisor.page
    page.click("nav.mainnav >> text=统计分析")
    page.wait_for_selector("#report-form")
    assert page.input_value("#month") == last_month(timezone.now()).code  # the default
    page.fill("#month", "2026-10")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    assert page.inner_text("#total-count").strip() == "8"
    page.wait_for_selector("#chart-category[data-drawn='1'] canvas")
    page.wait_for_selector("#chart-channel[data-drawn='1'] canvas")
    box = page.query_selector("#chart-category canvas").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert "2026年10月" in page.inner_text(".case-head")
    supervisor.shot("reports-2026-10")
