"""The intake page: server-side validation beside the field with the input kept, the guided
script with its outcome, one-click close at the window or dispatch, and urging instead of a
second case."""

from __future__ import annotations

from tests import factories
from tests.web.conftest import page_text
from tousu.cases.models import Case, Event

URL = "/console/intake/"


def form(**overrides):
    data = {
        "pack": "property",
        "channel": "phone",
        "request_type": "complaint",
        "category": "equipment_water",
        "customer_phone": "13912345678",
        "customer_name": "赵先生",
        "description": "楼上水管爆裂，家里天花板一直滴水",
        "demand": "今天派人维修",
        "then": "register",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


INTERCONNECTION_YES = {
    "answer_other_network": "yes",
    "answer_always_unreachable": "no",
    "answer_callee_forwarding": "no",
}


def telecom_form(**overrides):
    data = form(pack="telecom", category="interconnection",
                description="拨打联通手机经常无法接通，听不到回铃音", **INTERCONNECTION_YES)
    data.update(overrides)
    return data


def test_register(client_as):
    response = client_as("agent").post(URL, form())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{case.number}/"
    assert case.status == "registered"
    assert case.category == "equipment_water"
    assert case.customer.phone == "13912345678"
    assert case.first_owner.username == "agent"


def test_missing_fields_are_shown_beside_the_field_and_input_is_kept(client_as, org):
    response = client_as("agent").post(URL, form(description="", request_type=""))
    assert response.status_code == 422
    text = page_text(response)
    assert Case.objects.count() == 0
    assert "赵先生" in text and "13912345678" in text and "今天派人维修" in text
    assert text.count('class="errorlist') >= 2
    assert 'aria-invalid="true"' in text


def test_service_refusal_goes_beside_the_field(client_as, org):
    """No way to reach the customer: refused by the intake service, shown at the phone."""
    response = client_as("agent").post(URL, form(customer_phone=""))
    assert response.status_code == 422
    text = page_text(response)
    assert "请至少填写一种联系方式" in text
    assert Case.objects.count() == 0


def test_walk_in_needs_the_signed_confirmation(client_as, org):
    client = client_as("agent")
    response = client.post(URL, form(channel="walk_in"))
    assert response.status_code == 422
    assert "现场来访须请客户签字确认记录" in page_text(response)
    response = client.post(URL, form(channel="walk_in", walk_in_confirmed="on"))
    assert response.status_code == 302
    assert Case.objects.get().walk_in_confirmed is True


def test_script_panel_and_live_outcome(client_as, org):
    client = client_as("agent")
    panel = page_text(client.post("/console/intake/script/",
                                 {"pack": "telecom", "category": "interconnection"}))
    assert "规范应答：互连互通" in panel
    assert "所拨被叫号码是否属于其他运营商" in panel
    assert "还有 3 个问题未回答" in panel
    outcome = page_text(client.post("/console/intake/outcome/",
                                   {"pack": "telecom", "category": "interconnection",
                                    **INTERCONNECTION_YES}))
    assert "窗口直接办结" in outcome
    assert "互联通道太繁忙" in outcome  # the approved wording to read out
    assert 'value="close"' in outcome
    dispatch = page_text(client.post("/console/intake/outcome/",
                                    {"pack": "telecom", "category": "interconnection",
                                     **INTERCONNECTION_YES, "answer_other_network": "no"}))
    assert "派单处理" in dispatch
    assert 'value="close"' not in dispatch
    assert 'value="north" selected' in dispatch  # the script's target: the branch


def test_pack_fields_follow_the_pack(client_as, org):
    text = page_text(client_as("agent").post("/console/intake/pack-fields/", {"pack": "telecom"}))
    assert "互连互通" in text
    assert 'hx-swap-oob="true"' in text


def test_close_at_the_window_in_one_click(client_as, org):
    response = client_as("agent").post(URL, telecom_form(then="close"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status in ("replied", "closed")
    assert case.script["outcome"] == "close_at_window"
    closed = Event.objects.get(case=case, kind="case.closed_at_window")
    assert "互联通道太繁忙" in closed.data["wording"]


def test_close_refused_when_the_script_says_dispatch(client_as, org):
    response = client_as("agent").post(
        URL, telecom_form(then="close", answer_other_network="no")
    )
    assert response.status_code == 422
    assert "不能窗口直接办结" in page_text(response)
    assert Case.objects.count() == 0


def test_unanswered_questions_are_shown_beside_them(client_as, org):
    data = telecom_form(then="close")
    del data["answer_callee_forwarding"]
    response = client_as("agent").post(URL, data)
    assert response.status_code == 422
    assert "请回答此问题" in page_text(response)


def test_register_and_dispatch(client_as, org):
    client = client_as("agent")
    response = client.post(URL, form(then="dispatch"))
    assert response.status_code == 422
    assert "请选择派单部门" in page_text(response)
    response = client.post(URL, form(then="dispatch", dispatch_unit="eng"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == "dispatched"
    assert [o.unit.code for o in case.work_orders.all()] == ["eng"]


def test_customer_lookup_offers_urging_an_open_case(client_as, org):
    old = factories.intake(org, customer=factories.CustomerData(name="钱", phone="13600001111"))
    client = client_as("agent")
    text = page_text(client.post("/console/intake/customer/", {"customer_phone": "13600001111"}))
    assert old.number in text
    assert f'name="urge" value="{old.number}"' in text
    response = client.post(URL, form(customer_phone="13600001111", urge=old.number,
                                     description="又来电催促处理"))
    assert response.status_code == 302
    assert Case.objects.count() == 1
    old.refresh_from_db()
    assert old.urge_count == 1


def test_new_case_about_a_closed_one_needs_a_reason(client_as, org):
    old = factories.intake(org, request_type="consultation")
    old = factories.act(org, "agent", "close-at-window", old)
    assert old.status == "closed"
    client = client_as("agent")
    response = client.post(URL, form(repeat_of=old.number))
    assert response.status_code == 422
    assert "请填写客户不满意的原因" in page_text(response)
    response = client.post(URL, form(repeat_of=old.number, dissatisfaction_reason="仍然漏水"))
    assert response.status_code == 302
    assert Case.objects.get(repeat_of=old).repeat_of_id == old.pk


def test_handler_cannot_register(client_as, org):
    assert client_as("handler_eng").post(URL, form()).status_code == 403
    assert Case.objects.count() == 0
