"""The dashboard: counts over what the user may see, the month's rates, chart data."""

from __future__ import annotations

import json
import re

from tests import factories
from tests.web.conftest import page_text


def chart_data(response) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>',
                      page_text(response), re.S)
    assert match
    return json.loads(match.group(1))


def test_supervisor_sees_every_unit(client_as, org, eng_case, sec_case):
    factories.intake(org, description="还没派单的投诉")
    response = client_as("supervisor").get("/console/dashboard/")
    assert response.status_code == 200
    data = chart_data(response)
    assert sum(n for _name, n, _tone in data["severity"]) == 3
    assert sum(n for _day, n in data["daily"]) == 3
    assert "今日受理" in page_text(response)
    assert 'src="/static/console/vendor/echarts.min.js"' in page_text(response)


def test_supervisor_can_narrow_to_a_unit(client_as, eng_case, sec_case):
    data = chart_data(client_as("supervisor").get("/console/dashboard/", {"unit": "sec"}))
    assert sum(n for _name, n, _tone in data["severity"]) == 1


def test_handler_sees_their_own_unit(client_as, eng_case, sec_case):
    response = client_as("handler_eng").get("/console/dashboard/", {"unit": "sec"})
    data = chart_data(response)
    assert sum(n for _name, n, _tone in data["severity"]) == 1  # their own case, not sec's
    assert 'name="unit"' not in page_text(response)
