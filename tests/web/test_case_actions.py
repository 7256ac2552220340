"""The case page's actions: each button opens its form, the form posts to one service, and
refusals (validation, illegal moves, stale forms) come back beside the field with the input
kept. Personal data is masked, with an audited "show" for the roles allowed to see it."""

from __future__ import annotations

from tests import factories
from tests.web.conftest import page_text
from tousu.cases.models import Event, PersonalDataView
from tousu.org.units import set_unit_active


def action_url(case, action: str) -> str:
    return f"/console/cases/{case.number}/actions/{action}/"


def test_buttons_are_the_allowed_actions(client_as, eng_case):
    text = page_text(client_as("handler_eng").get(f"/console/cases/{eng_case.number}/"))
    assert action_url(eng_case, "acknowledge") in text
    assert action_url(eng_case, "return") in text
    assert action_url(eng_case, "dispatch") not in text  # not a handler's action
    agent = page_text(client_as("agent").get(f"/console/cases/{eng_case.number}/"))
    assert action_url(eng_case, "urge") in agent
    assert action_url(eng_case, "acknowledge") not in agent


def test_htmx_opens_the_form(client_as, eng_case):
    response = client_as("handler_eng").get(action_url(eng_case, "return"),
                                           headers={"HX-Request": "true"})
    text = page_text(response)
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="action-panel">')
    assert 'name="reason"' in text
    assert f'name="version" value="{eng_case.version}"' in text


def test_acknowledge_then_resolve_as_the_handler(client_as, eng_case):
    client = client_as("handler_eng")
    response = client.post(action_url(eng_case, "acknowledge"), {"version": eng_case.version})
    assert response.status_code == 302
    eng_case.refresh_from_db()
    assert eng_case.status == "processing"
    response = client.post(action_url(eng_case, "resolve"),
                           {"version": eng_case.version, "findings": "更换了破裂的水管"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/console/cases/{eng_case.number}/"
    eng_case.refresh_from_db()
    assert eng_case.status == "resolved"
    assert eng_case.findings == "更换了破裂的水管"


def test_back_to_the_work_order_page(client_as, eng_case):
    order = eng_case.work_orders.get()
    back = f"/console/work-orders/{order.pk}/"
    response = client_as("handler_eng").post(
        action_url(eng_case, "acknowledge"), {"version": eng_case.version, "back": back}
    )
    assert response["Location"] == back
    response = client_as("handler_eng").post(
        action_url(eng_case, "progress"),
        {"version": eng_case.version + 1, "note": "已到场", "back": "https://evil.example/"},
    )
    assert response["Location"] == f"/console/cases/{eng_case.number}/"  # never off-site


def test_validation_error_beside_the_field_keeps_input(client_as, eng_case):
    client = client_as("handler_eng")
    client.post(action_url(eng_case, "acknowledge"), {"version": eng_case.version})
    eng_case.refresh_from_db()
    response = client.post(action_url(eng_case, "propose"),
                           {"version": eng_case.version, "kind_1": "repair",
                            "description_1": "", "findings": "管道老化"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    text = page_text(response)
    assert text.lstrip().startswith('<div id="case-page">')
    assert "管道老化" in text
    assert 'id="id_description_1_error"' in text


def test_return_requires_a_reason(client_as, eng_case):
    response = client_as("handler_eng").post(action_url(eng_case, "return"),
                                             {"version": eng_case.version, "reason": "  "})
    assert response.status_code == 422
    assert 'id="id_reason_error"' in page_text(response)
    eng_case.refresh_from_db()
    assert eng_case.status == "dispatched"


def test_stale_form_gets_a_clear_message(client_as, org, eng_case):
    stale = eng_case.version
    factories.act(org, "agent", "urge", eng_case, note="客户再次来电")  # the case moves on
    response = client_as("handler_eng").post(
        action_url(eng_case, "return"), {"version": stale, "reason": "不归工程部管"}
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "已被他人更新" in text
    assert "不归工程部管" in text  # the input is kept
    eng_case.refresh_from_db()
    assert f'name="version" value="{eng_case.version}"' in text  # resubmitting is a choice
    assert eng_case.status == "dispatched"
    assert not eng_case.work_orders.filter(status="returned").exists()


def test_illegal_action_lists_what_is_allowed(client_as, org):
    case = factories.intake(org)
    response = client_as("handler_eng").post(action_url(case, "resolve"),
                                             {"version": case.version})
    assert response.status_code == 404  # not dispatched to the handler's unit: not theirs
    response = client_as("supervisor").post(action_url(case, "reply"),
                                            {"version": case.version, "message": "已处理"})
    assert response.status_code == 422
    text = page_text(response)
    assert "现在不能“答复客户”" in text
    assert "现在可以：" in text


def test_full_course_through_the_console(client_as, org, eng_case):
    def post(who, action, **data):
        eng_case.refresh_from_db()
        response = client_as(who).post(action_url(eng_case, action),
                                       {"version": eng_case.version, **data})
        assert response.status_code == 302, page_text(response)[:2000]

    post("handler_eng", "acknowledge")
    post("handler_eng", "progress", note="已联系业主，明早上门")
    post("handler_eng", "propose", kind_1="repair", description_1="更换水管", amount_1="0")
    post("agent", "customer-accept")
    post("handler_eng", "resolve", findings="水管老化破裂")
    post("agent", "reply", message="已为您更换水管")
    post("quality", "follow-up", satisfaction="satisfied", comment="客户满意")
    eng_case.refresh_from_db()
    assert eng_case.status == "closed"
    text = page_text(client_as("agent").get(f"/console/cases/{eng_case.number}/"))
    for words in ("受理登记", "派单", "处理部门签收", "报告进展", "提出处理方案", "处理完成",
                  "答复客户", "回访", "满意度：满意", "派往：工程部"):
        assert words in text, words


def test_personal_data_is_masked_with_an_audited_show(client_as, eng_case):
    client = client_as("agent")
    url = f"/console/cases/{eng_case.number}/"
    text = page_text(client.get(url))
    assert "13800138000" not in text
    assert "138****8000" in text
    assert "显示完整信息" in text
    response = client.post(url + "personal-data/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "13800138000" in page_text(response)
    viewed = Event.objects.get(case=eng_case, kind="case.personal_data_viewed")
    assert viewed.actor.username == "agent"
    logged = PersonalDataView.objects.get(case=eng_case)  # the same log as the API's views
    assert logged.user.username == "agent"
    assert logged.source == f"console POST {url}personal-data/"
    assert logged.address == "127.0.0.1"
    assert "phone" in logged.fields
    assert "查看客户个人信息" in page_text(client.get(url))


def test_roles_without_the_right_see_masked_data_only(client_as, eng_case):
    for who in ("handler_eng", "auditor", "quality"):
        client = client_as(who)
        text = page_text(client.get(f"/console/cases/{eng_case.number}/"))
        assert "13800138000" not in text
        assert "显示完整信息" not in text
        response = client.post(f"/console/cases/{eng_case.number}/personal-data/")
        assert response.status_code == 403
        assert "13800138000" not in page_text(response)
    assert not Event.objects.filter(kind="case.personal_data_viewed").exists()
    assert not PersonalDataView.objects.exists()


def test_the_history_says_why_a_reopened_case_went_back_for_dispatch(client_as, org, sec_case):
    factories.act(org, "handler_sec", "acknowledge", sec_case)
    factories.act(org, "handler_sec", "resolve", sec_case)
    factories.act(org, "agent", "reply", sec_case, message="已处理完毕")
    set_unit_active(by=org.users["admin"], code="sec", active=False)
    factories.act(org, "quality", "reopen", sec_case, reason="客户反映问题复发")
    text = page_text(client_as("agent").get(f"/console/cases/{sec_case.number}/"))
    assert "部门已停用，其处理单未重开：安保部" in text
    assert "原处理部门都已停用，案件退回待派单" in text


def test_the_history_says_the_packs_rule_kept_a_dissatisfied_case_closed(client_as, org):
    from tousu.packs.loader import DATA_DIR
    from tousu.packs.registry import install_pack_text

    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    install_pack_text(text.replace("dissatisfied_reopens: true", "dissatisfied_reopens: false"),
                      "property.yaml")  # fmt: skip
    case = factories.intake(org, category="equipment_water")
    factories.act(org, "dispatcher", "dispatch", case, units=["eng"])
    factories.act(org, "handler_eng", "acknowledge", case)
    factories.act(org, "handler_eng", "resolve", case)
    factories.act(org, "agent", "reply", case, message="已处理完毕")
    factories.act(org, "quality", "follow-up", case, satisfaction="dissatisfied")
    page = page_text(client_as("agent").get(f"/console/cases/{case.number}/"))
    assert "按本行业规则，客户不满意也不重开处理，案件已结案" in page
