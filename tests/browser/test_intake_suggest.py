"""Category suggestion in a real browser: the agent types what the customer says, the page
offers the lift category, one click chooses it and loads the repair script beside the form;
the registered case keeps the chosen category."""

from __future__ import annotations

import pytest

from tousu.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_description_suggests_the_category_and_a_click_chooses_it(desk, org):
    agent = desk("agent")
    page = agent.page
    agent.go("/console/intake/")
    page.fill("#id_customer_phone", "13700002222")
    page.fill("#id_customer_name", "孙先生")
    page.select_option("#id_pack", "property")
    page.wait_for_selector("#id_category option[value='equipment_elevator']", state="attached")
    page.select_option("#id_request_type", "complaint")
    assert page.input_value("#id_category") == ""
    page.fill("#id_description", "2号楼电梯困人快半小时了")
    # typing (an input event) asks for suggestions; leaving the field does not ask again
    button = page.locator("#category-suggest [data-value='equipment_elevator']")
    button.wait_for()
    assert "电梯（含外包维保）" in button.inner_text()
    assert "电梯、困人" in page.inner_text("#category-suggest")
    assert page.input_value("#id_category") == ""  # offered, not chosen
    agent.shot("intake-category-suggestion")
    button.click()
    assert page.input_value("#id_category") == "equipment_elevator"
    page.wait_for_selector(
        "#category-suggest [data-value='equipment_elevator'][aria-pressed='true']", timeout=5000
    )
    page.wait_for_selector("#script-panel >> text=规范应答：设施设备报修受理")
    with page.expect_navigation():
        page.click("#intake-form .actions button[value=register]")
    assert Case.objects.get(customer__phone="13700002222").category == "equipment_elevator"
