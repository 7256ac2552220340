"""In a real (English-speaking) browser, in Chinese: an admin adds a unit and is refused a move
into a loop; an agent shows a customer's personal data and the auditor finds that view in the
log."""

from __future__ import annotations

import pytest

from tousu.org.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_adds_a_unit_and_is_refused_a_loop(desk):
    admin = desk("admin")
    page = admin.page
    admin.go("/console/manage/units/")
    with page.expect_navigation():
        page.click("text=新增部门 >> nth=0")
    page.fill("#id_code", "garden")
    page.fill("#id_name", "园林绿化部")
    page.select_option("#id_kind", "department")
    page.select_option("#id_parent", "eng")
    page.select_option("#id_head", "manager")
    page.fill("#id_office_hours", "08:00-12:00, 13:00-17:00")
    admin.shot("units-01-add-form")
    with page.expect_navigation():
        page.click("#unit-form button[type=submit]")
    assert "已新增部门：园林绿化部" in page.inner_text(".messages")
    assert "园林绿化部" in page.inner_text("#unit-tree")
    admin.shot("units-02-tree")
    admin.go("/console/manage/units/eng/edit/")
    page.select_option("#id_parent", "garden")
    with page.expect_navigation():
        page.click("#unit-form button[type=submit]")
    assert "形成循环" in page.inner_text("#unit-form")
    admin.shot("units-03-loop-refused")
    assert Unit.objects.get(code="eng").parent.code == "hq"


def test_auditor_finds_the_agents_show_in_the_log(desk, org):
    from tests import factories

    case = factories.intake(org)
    agent = desk("agent")
    agent.go(f"/console/cases/{case.number}/")
    agent.page.click("text=显示完整信息")
    agent.page.wait_for_selector("text=13800138000")
    auditor = desk("auditor")
    page = auditor.page
    with page.expect_navigation():
        page.click(".mainnav >> text=审计记录")
    page.fill("#id_case", case.number)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.inner_text("#results")
    assert "共 1 条" in rows
    assert "agent" in rows and "控制台" in rows
    auditor.shot("audit-personal-data")
