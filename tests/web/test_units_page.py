"""Units in the console, for admins: the tree, add, rename, move (never into a loop), head,
office hours, stop and restart; every change in the audit log with who, when, before and
after; bad input named beside its field and nothing stored."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from tests import factories
from tests.web.conftest import page_text
from tousu.cases.services.intake import _units_for
from tousu.org.models import Unit
from tousu.org.units import UnitInput, change_unit
from tousu.rules.errors import ValidationFailed

LIST = "/console/manage/units/"
ADD = "/console/manage/units/new/"


def edit_url(code: str) -> str:
    return f"/console/manage/units/{code}/edit/"


def form_of(unit: Unit, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it (its routing keys ticked), with ``changes``."""
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent_id else "",
        "head": unit.head.username if unit.head_id else "",
        "office_hours": unit.office_hours or "",
        "routing_keys": list(unit.routing_keys or []),
    }
    return {**data, **changes}


def log_of(unit: Unit) -> list[dict]:
    rows = LogEntry.objects.filter(object_id=str(unit.pk),
                                   content_type__model="unit").order_by("id")
    return [{"flag": r.action_flag, "user": r.user.username, **json.loads(r.change_message)[0]}
            for r in rows]


def state() -> list[tuple]:
    """Every unit's stored fields, to show that a refused change stored nothing."""
    return list(Unit.objects.order_by("code").values_list(
        "code", "name", "kind", "parent_id", "head_id", "office_hours", "active"))


@pytest.fixture
def admin(client_as):
    return client_as("admin")


def test_the_tree_lists_units_under_their_parents(admin, org):
    text = page_text(admin.get(LIST))
    assert "组织与部门" in text and "新增部门" in text
    order = [text.index(name) for name in ("总部客服中心", "工程部", "电梯维保合作方", "安保部")]
    assert order == sorted(order)  # the partner under 工程部, before the next department
    assert f'href="{edit_url("eng")}"' in text


def test_add_a_unit_with_parent_head_and_hours(admin, org):
    response = admin.post(ADD, {"code": "garden", "name": "园林绿化部", "kind": "department",
                                "parent": "hq", "head": "manager",
                                "office_hours": "08:00-12:00, 13:00-17:00"})
    assert response.status_code == 302, page_text(response)
    unit = Unit.objects.get(code="garden")
    assert (unit.name, unit.parent.code, unit.head.username, unit.office_hours, unit.active) == (
        "园林绿化部", "hq", "manager", "08:00-12:00, 13:00-17:00", True)
    [entry] = log_of(unit)
    assert entry["flag"] == ADDITION and entry["user"] == "admin"
    assert entry["after"]["parent"] == "hq" and entry["after"]["head"] == "manager"
    text = page_text(admin.get(LIST))
    assert "已新增部门：园林绿化部" in text
    assert "园林绿化部" in text
    assert "新增：代码 garden；名称 园林绿化部；类型 处理部门；上级 hq；负责人 manager" in text


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"code": "garden", "name": "   "}, "请填写部门名称"),
        ({"code": "eng", "name": "第二工程部"}, "代码 eng 已被“工程部”使用"),
        ({"code": "Bad Code!", "name": "园林绿化部"}, "代码用小写字母"),
        ({"code": "garden", "name": "园林绿化部", "parent": "nowhere"}, "Select a valid choice"),
        ({"code": "garden", "name": "园林绿化部", "office_hours": "08:00-12:00, 11:00-17:00"},
         "与另一个时间段重叠"),
    ],
)
def test_bad_input_on_add_is_named_and_nothing_is_stored(admin, org, fields, field_error):
    before, logged = state(), LogEntry.objects.count()
    data = {"kind": "department", "parent": "hq", "head": "", "office_hours": "", **fields}
    response = admin.post(ADD, data)
    assert response.status_code == 422
    text = page_text(response)
    if field_error == "Select a valid choice":  # the form's own check, in Chinese
        assert "选择一个有效的选项" in text
    else:
        assert field_error in text
    assert state() == before
    assert LogEntry.objects.count() == logged


def test_rename_is_audited_with_before_and_after(admin, org):
    unit = org.units["eng"]
    response = admin.post(edit_url("eng"), form_of(unit, name="工程维修部"))
    assert response.status_code == 302
    assert Unit.objects.get(code="eng").name == "工程维修部"
    [entry] = log_of(unit)
    assert entry["flag"] == CHANGE and entry["user"] == "admin"
    assert entry["changed"] == {"fields": ["名称"]}  # what Django's admin history reads
    assert (entry["before"], entry["after"]) == ({"name": "工程部"}, {"name": "工程维修部"})
    page = page_text(admin.get(edit_url("eng")))
    assert "已保存" in page
    assert "名称 工程部 → 工程维修部" in page


def test_saving_without_a_change_logs_nothing(admin, org):
    unit = org.units["sec"]
    response = admin.post(edit_url("sec"), form_of(unit))
    assert response.status_code == 302
    assert log_of(unit) == []
    assert "没有改动" in page_text(admin.get(edit_url("sec")))


def test_an_empty_name_is_refused_and_nothing_stored(admin, org):
    unit = org.units["eng"]
    before = state()
    response = admin.post(edit_url("eng"), form_of(unit, name="", head="manager"))
    assert response.status_code == 422
    assert "请填写部门名称" in page_text(response)
    assert state() == before
    assert log_of(unit) == []


def test_move_under_another_parent(admin, org):
    unit = org.units["lift_co"]
    response = admin.post(edit_url("lift_co"), form_of(unit, parent="sec"))
    assert response.status_code == 302
    assert Unit.objects.get(code="lift_co").parent.code == "sec"
    [entry] = log_of(unit)
    assert (entry["before"], entry["after"]) == ({"parent": "eng"}, {"parent": "sec"})


@pytest.mark.parametrize(("code", "new_parent", "words"), [
    ("eng", "lift_co", "不能移到自己的下级之下：工程部 → 电梯维保合作方"),
    ("hq", "lift_co", "总部客服中心 → 工程部 → 电梯维保合作方"),
    ("eng", "eng", "部门不能做自己的上级"),
])
def test_a_move_into_a_loop_is_refused_and_nothing_stored(admin, org, code, new_parent, words):
    before = state()
    response = admin.post(edit_url(code), form_of(org.units[code], parent=new_parent,
                                                  name="改名也不保存"))
    assert response.status_code == 422
    assert words in page_text(response)
    assert "形成循环" in page_text(response) or new_parent == code
    assert state() == before
    assert LogEntry.objects.count() == 0


def test_set_and_clear_the_head(admin, org):
    unit = org.units["eng"]
    assert admin.post(edit_url("eng"), form_of(unit, head="handler_eng")).status_code == 302
    assert Unit.objects.get(code="eng").head.username == "handler_eng"
    assert "handler_eng" in page_text(admin.get(LIST))
    unit.refresh_from_db()
    assert admin.post(edit_url("eng"), form_of(unit, head="")).status_code == 302
    assert Unit.objects.get(code="eng").head is None
    entries = log_of(unit)
    assert [(e["before"], e["after"]) for e in entries] == [
        ({"head": None}, {"head": "handler_eng"}),
        ({"head": "handler_eng"}, {"head": None}),
    ]


def test_a_departed_user_cannot_be_head(admin, org):
    org.users["manager"].is_active = False
    org.users["manager"].save()
    response = admin.post(edit_url("eng"), form_of(org.units["eng"], head="manager"))
    assert response.status_code == 422  # not offered, so not a valid choice
    assert Unit.objects.get(code="eng").head is None


def test_office_hours_saved_and_overlaps_refused(admin, org):
    unit = org.units["eng"]
    bad = admin.post(edit_url("eng"), form_of(unit, office_hours="08:30-12:00, 11:00-17:30"))
    assert bad.status_code == 422
    assert "时间段 11:00–17:30 与另一个时间段重叠。" in page_text(bad)
    assert Unit.objects.get(code="eng").office_hours is None
    assert log_of(unit) == []
    good = admin.post(edit_url("eng"), form_of(unit, office_hours="09:00-18:00"))
    assert good.status_code == 302
    assert Unit.objects.get(code="eng").office_hours == "09:00-18:00"
    [entry] = log_of(unit)
    assert entry["after"] == {"office_hours": "09:00-18:00"}
    assert "09:00-18:00" in page_text(admin.get(LIST))


def test_routing_keys_are_ticked_on_the_edit_page_and_audited(admin, org):
    unit = org.units["eng"]
    page = page_text(admin.get(edit_url("eng")))
    assert "工程部（engineering）" in page and "秩序维护部（保安）（security）" in page
    ticked = form_of(unit, routing_keys=["outsourced", "engineering"])
    response = admin.post(edit_url("eng"), ticked)
    assert response.status_code == 302
    assert Unit.objects.get(code="eng").routing_keys == ["engineering", "outsourced"]
    [entry] = log_of(unit)
    assert entry["changed"] == {"fields": ["路由标签"]}
    assert entry["before"] == {"routing_keys": ["engineering"]}
    assert entry["after"] == {"routing_keys": ["engineering", "outsourced"]}
    # the dispatch suggestion follows (a script naming "outsourced" now offers eng)
    assert "eng" in _units_for("outsourced")


def test_an_unknown_routing_key_is_refused_and_nothing_stored(admin, org):
    unit = org.units["eng"]
    before = list(Unit.objects.order_by("code").values_list("code", "routing_keys"))
    response = admin.post(edit_url("eng"), form_of(unit, routing_keys=["engineering", "nope"]))
    assert response.status_code == 422
    assert "nope" in page_text(response)  # not a choice of the form
    assert list(Unit.objects.order_by("code").values_list("code", "routing_keys")) == before
    assert log_of(unit) == []


def test_a_key_no_pack_names_stays_until_unticked(admin, org):
    unit = org.units["north"]  # its key "branch" is named by no builtin pack
    page = page_text(admin.get(edit_url("north")))
    assert "branch" in page
    assert admin.post(edit_url("north"), form_of(unit, name="北区分公司二部")).status_code == 302
    assert Unit.objects.get(code="north").routing_keys == ["branch"]
    unit.refresh_from_db()
    assert admin.post(edit_url("north"), form_of(unit, routing_keys=[])).status_code == 302
    assert Unit.objects.get(code="north").routing_keys == []


def test_the_service_refuses_a_key_no_pack_names(org):
    data = UnitInput(name="工程部", kind="department", parent="hq", routing_keys=("ghost",))
    with pytest.raises(ValidationFailed) as refused:
        change_unit(by=org.users["admin"], code="eng", data=data)
    assert [e.field for e in refused.value.errors] == ["routing_keys"]
    assert "ghost" in refused.value.errors[0].message
    assert Unit.objects.get(code="eng").routing_keys == ["engineering"]


def test_stop_and_restart_a_unit(admin, org):
    unit = org.units["svc"]
    stop = admin.post("/console/manage/units/svc/active/", {"active": "0"})
    assert stop.status_code == 302
    assert Unit.objects.get(code="svc").active is False
    page = page_text(admin.get(edit_url("svc")))
    assert "已停用：综合服务部" in page
    assert "状态 启用 → 停用" in page
    assert admin.post("/console/manage/units/svc/active/", {"active": "1"}).status_code == 302
    assert Unit.objects.get(code="svc").active is True
    assert [(e["before"], e["after"]) for e in log_of(unit)] == [
        ({"active": True}, {"active": False}),
        ({"active": False}, {"active": True}),
    ]


def test_a_unit_with_open_work_orders_is_not_stopped(admin, org, eng_case):
    before = state()
    response = admin.post("/console/manage/units/eng/active/", {"active": "0"})
    assert response.status_code == 422
    assert "“工程部”还有 1 张在办的处理单" in page_text(response)
    assert state() == before
    assert LogEntry.objects.count() == 0


def test_a_unit_with_working_sub_units_is_not_stopped(admin, org):
    response = admin.post("/console/manage/units/hq/active/", {"active": "0"})
    assert response.status_code == 422
    assert "下还有在用的下级部门" in page_text(response)
    assert Unit.objects.get(code="hq").active is True


def test_a_stopped_unit_is_no_new_parent(admin, org):
    Unit.objects.filter(code="north").update(active=False)
    response = admin.post(ADD, {"code": "north2", "name": "北区二部", "kind": "branch",
                                "parent": "north", "head": "", "office_hours": ""})
    assert response.status_code == 422
    assert not Unit.objects.filter(code="north2").exists()


@pytest.mark.parametrize("role", ["agent", "dispatcher", "supervisor", "auditor", "handler_eng"])
def test_only_admins_change_units(client_as, org, role):
    client = client_as(role)
    before = state()
    assert client.get(LIST).status_code == 403
    assert client.post(ADD, {"code": "x", "name": "某部", "kind": "department"}).status_code == 403
    assert client.post(edit_url("eng"), form_of(org.units["eng"], name="改")).status_code == 403
    assert client.post("/console/manage/units/svc/active/", {"active": "0"}).status_code == 403
    assert state() == before


def test_the_service_refuses_other_roles_too(org):
    from tousu.org.units import UnitInput, change_unit
    from tousu.rules.errors import Forbidden

    with pytest.raises(Forbidden):
        change_unit(by=org.users["supervisor"], code="eng",
                    data=UnitInput(name="改名", kind="department", parent="hq"))
    assert Unit.objects.get(code="eng").name == "工程部"


def test_an_unknown_unit_is_a_404(admin, org):
    assert admin.get(edit_url("nowhere")).status_code == 404
    assert admin.post("/console/manage/units/nowhere/active/", {"active": "0"}).status_code == 404


def test_the_new_unit_can_receive_work(admin, org):
    """A unit added in the console is a unit like the others: dispatch reaches it."""
    admin.post(ADD, {"code": "garden", "name": "园林绿化部", "kind": "department",
                     "parent": "hq", "head": "", "office_hours": ""})
    case = factories.intake(org, category="equipment_water")
    case = factories.act(org, "dispatcher", "dispatch", case, units=["garden"])
    assert [o.unit.code for o in case.work_orders.all()] == ["garden"]


def test_the_django_admins_history_reads_the_same_entries(admin, org):
    user = org.users["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    unit = org.units["eng"]
    admin.post(edit_url("eng"), form_of(unit, name="工程维修部", office_hours="09:00-18:00"))
    text = page_text(admin.get(f"/admin/org/unit/{unit.pk}/history/"))
    assert "已修改名称 和 办公时间。" in text  # Django reads "changed" from the same entry


def test_a_stopped_unit_receives_no_work(admin, org):
    from tousu.rules.errors import ValidationFailed

    assert admin.post("/console/manage/units/svc/active/", {"active": "0"}).status_code == 302
    case = factories.intake(org, category="equipment_water")
    with pytest.raises(ValidationFailed):
        factories.act(org, "dispatcher", "dispatch", case, units=["svc"])
    assert not case.work_orders.exists()


@pytest.fixture
def django_admin(client_as, org):
    user = org.users["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    return client_as("admin")


def admin_form(unit: Unit, **changes: str) -> dict[str, str]:
    """The Django admin's unit form as it is filled, with ``changes``."""
    data = {"code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent": str(unit.parent_id or ""), "head": str(unit.head_id or ""),
            "routing_keys": json.dumps(unit.routing_keys), "active": "on",
            "office_hours": unit.office_hours or ""}
    return {**data, **changes}


def test_the_django_admin_refuses_a_loop_and_a_stop_with_open_work(django_admin, org, eng_case):
    before = state()
    eng, lift = org.units["eng"], org.units["lift_co"]
    loop = django_admin.post(f"/admin/org/unit/{eng.pk}/change/",
                             admin_form(eng, parent=str(lift.pk)))
    assert loop.status_code == 200  # the form again
    assert "形成循环" in page_text(loop)
    stop = django_admin.post(f"/admin/org/unit/{eng.pk}/change/",
                             {k: v for k, v in admin_form(eng).items() if k != "active"})
    assert stop.status_code == 200
    assert "还有 1 张在办的处理单" in page_text(stop)
    assert state() == before
    assert LogEntry.objects.count() == 0


def test_a_django_admin_change_is_logged_with_before_and_after(django_admin, org):
    sec = org.units["sec"]
    response = django_admin.post(f"/admin/org/unit/{sec.pk}/change/",
                                 admin_form(sec, routing_keys='["security", "parking"]'))
    assert response.status_code == 302, page_text(response)
    [entry] = log_of(sec)
    assert entry["before"] == {"routing_keys": ["security"]}
    assert entry["after"] == {"routing_keys": ["security", "parking"]}
    assert "路由标签 security → security, parking" in page_text(django_admin.get(LIST))
