"""Lifecycle services on a real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import pytest

from tests.factories import act, at, intake, intake_data
from tousu.cases import services
from tousu.cases.models import Case, CaseSerial, Event, WorkOrder
from tousu.cases.services import CustomerData
from tousu.rules.errors import Conflict, Forbidden, IllegalAction, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def kinds(case: Case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def test_intake_numbers_by_shanghai_month(org):
    # 2026-10-31 20:00 UTC is already November in Shanghai
    first = intake(org, now=at("2026-11-01 04:00"))
    second = intake(org, now=at("2026-11-01 05:00"))
    assert first.number == "202611000001"
    assert second.number == "202611000002"
    assert first.status == "registered"
    assert first.first_owner.username == "agent"
    assert kinds(first)[0] == "case.registered"


def test_full_lifecycle_to_closed_with_history(org):
    case = intake(org, now=at("2026-11-02 09:00"))
    act(
        org,
        "dispatcher",
        "triage",
        case,
        category="equipment",
        severity="important",
        now=at("2026-11-02 09:02"),
    )
    act(org, "dispatcher", "dispatch", case, units=["eng"], now=at("2026-11-02 09:05"))
    act(org, "handler_eng", "acknowledge", case, now=at("2026-11-02 09:20"))
    act(org, "handler_eng", "progress", case, note="已派维修工到场查看", now=at("2026-11-02 11:00"))
    act(
        org,
        "handler_eng",
        "propose",
        case,
        solutions=[{"kind": "repair", "description": "更换破损的排水管"}],
        now=at("2026-11-02 12:00"),
    )
    act(org, "agent", "customer-accept", case, now=at("2026-11-02 12:30"))
    case = act(
        org,
        "handler_eng",
        "resolve",
        case,
        findings="排水管老化开裂",
        responsibility_class="class1",
        now=at("2026-11-02 16:00"),
    )
    assert case.status == "resolved"
    case = act(org, "agent", "reply", case, message="已修复，请您查看", now=at("2026-11-02 17:00"))
    assert case.status == "replied"
    case = act(
        org, "quality", "follow-up", case, satisfaction="satisfied", now=at("2026-11-03 10:00")
    )
    assert case.status == "closed"
    assert case.closed_at == at("2026-11-03 10:00")
    assert kinds(case) == [
        "case.registered",
        "case.triaged",
        "work_order.issued",
        "case.dispatched",
        "work_order.acknowledged",
        "case.processing",
        "case.progress",
        "case.proposed",
        "case.customer_accepted",
        "work_order.done",
        "case.resolved",
        "case.replied",
        "case.followed_up",
    ]
    dispatched = case.events.get(kind="case.dispatched")
    assert dispatched.before == {"status": "registered"}
    assert dispatched.after == {"status": "dispatched"}
    assert dispatched.actor.username == "dispatcher"


def test_dissatisfied_follow_up_goes_back_to_processing(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_eng", "resolve", case)
    act(org, "agent", "reply", case, message="已处理")
    case = act(org, "quality", "follow-up", case, satisfaction="dissatisfied", comment="仍然漏水")
    assert case.status == "processing"
    assert case.work_orders.get().status == WorkOrder.State.ACKNOWLEDGED
    case = act(org, "handler_eng", "resolve", case)
    assert case.status == "resolved"


def test_case_resolves_only_when_every_work_order_is_done(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["eng", "sec"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_sec", "acknowledge", case)
    case = act(org, "handler_eng", "resolve", case)
    assert case.status == "processing"
    case = act(org, "handler_sec", "resolve", case)
    assert case.status == "resolved"


def test_return_sends_case_back_to_dispatcher(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["sec"])
    case = act(org, "handler_sec", "return", case, reason="属于工程部的管道问题")
    assert case.status == "registered"
    assert case.work_orders.get().status == WorkOrder.State.RETURNED
    case = act(org, "dispatcher", "dispatch", case, units=["eng"])
    assert case.status == "dispatched"


def test_close_at_window_records_wording(org):
    case = intake(org)
    case = act(org, "agent", "close-at-window", case, wording="向客户解释了收费标准")
    assert case.status == "replied"
    consultation = act(org, "agent", "close-at-window", intake(org, request_type="consultation"))
    assert consultation.status == "closed"  # the pack needs no follow-up for consultations
    event = case.events.get(kind="case.closed_at_window")
    assert event.data["wording"] == "向客户解释了收费标准"


def test_consultation_converted_to_complaint_keeps_history(org):
    case = intake(org, request_type="consultation")
    case = act(org, "agent", "triage", case, request_type="complaint", reason="解释后仍不满意")
    assert case.request_type == "complaint"
    assert "case.converted_to_complaint" in kinds(case)


def test_urge_counts_and_logs(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    case = act(org, "agent", "urge", case, note="客户来电催促")
    case = act(org, "agent", "urge", case)
    assert case.urge_count == 2
    urges = case.events.filter(kind="case.urged")
    assert [e.data["urge_count"] for e in urges] == [1, 2]
    assert urges[0].data["notify_units"] == ["eng"]


def test_new_contact_about_open_case_urges_it(org):
    case = intake(org)
    result = services.intake_case(actor=org.actor("agent"), data=intake_data(repeat_of=case.number))
    assert result.created is False
    assert result.case.pk == case.pk
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.urge_count == 1


def test_new_contact_about_closed_case_creates_linked_case(org):
    case = intake(org, request_type="consultation")
    assert act(org, "agent", "close-at-window", case).status == "closed"
    with pytest.raises(ValidationFailed) as missing:
        intake(org, repeat_of=case.number)
    assert missing.value.errors[0].field == "dissatisfaction_reason"
    linked = intake(org, repeat_of=case.number, dissatisfaction_reason="问题再次出现")
    assert linked.repeat_of_id == case.pk
    assert linked.number != case.number
    event = linked.events.get(kind="case.registered")
    assert event.data["dissatisfaction_reason"] == "问题再次出现"


def test_bad_intake_names_every_field_and_stores_nothing(org):
    before = (Case.objects.count(), Event.objects.count(), CaseSerial.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        intake(
            org,
            channel="pigeon",
            request_type="rumour",
            category="nope",
            description="  ",
            customer=CustomerData(name="匿名"),
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {"channel", "request_type", "category", "description", "customer.phone"}
    assert (Case.objects.count(), Event.objects.count(), CaseSerial.objects.count()) == before


def test_unknown_complained_unit_consumes_no_number(org):
    with pytest.raises(ValidationFailed) as refused:
        intake(org, complained_unit="ghost", now=at("2026-11-05 10:00"))
    assert refused.value.errors[0].field == "complained_unit"
    assert intake(org, now=at("2026-11-05 10:01")).number == "202611000001"


def test_illegal_action_changes_nothing(org):
    case = intake(org)
    version = case.version
    with pytest.raises(IllegalAction) as refused:
        act(org, "agent", "reply", case, message="x")
    assert "dispatch" in refused.value.allowed
    case.refresh_from_db()
    assert case.version == version
    assert kinds(case) == ["case.registered"]


def test_failed_dispatch_is_atomic(org):
    case = intake(org)
    with pytest.raises(ValidationFailed):
        act(org, "dispatcher", "dispatch", case, units=["eng", "ghost"])
    assert WorkOrder.objects.count() == 0
    case.refresh_from_db()
    assert case.status == "registered"


def test_stale_version_is_refused(org):
    case = intake(org)
    act(org, "dispatcher", "triage", case, severity="important")
    with pytest.raises(Conflict):
        act(org, "dispatcher", "dispatch", case, units=["eng"], expected_version=case.version)


def test_roles_are_enforced(org):
    case = intake(org)
    with pytest.raises(Forbidden):
        act(org, "auditor", "triage", case, severity="important")
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    with pytest.raises(Forbidden):
        act(org, "handler_eng", "dispatch", case, units=["sec"])


def test_handler_cannot_act_on_other_units_case(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["sec"])
    with pytest.raises(NotFound):
        act(org, "handler_eng", "acknowledge", case)


def test_withdraw_cancels_live_orders(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    case = act(org, "agent", "withdraw", case, reason="客户已自行解决")
    assert case.status == "withdrawn"
    assert case.work_orders.get().status == WorkOrder.State.CANCELLED


def test_mark_invalid_needs_a_known_reason(org):
    case = intake(org)
    with pytest.raises(ValidationFailed):
        act(org, "agent", "mark-invalid", case, validity_reason="because")
    reason = next(
        iter(
            case.pack_version
            and __import__("tousu.packs.registry", fromlist=["x"])
            .pack_of_version(case.pack_version)
            .invalid_reasons
        )
    )
    case = act(org, "agent", "mark-invalid", case, validity_reason=reason)
    assert (case.status, case.validity, case.validity_reason) == ("invalid", "invalid", reason)


def test_merge_groups_cases_into_one_incident(org):
    first = intake(org)
    second = intake(org, customer=CustomerData(name="李先生", phone="13900139000"))
    third = intake(org, customer=CustomerData(name="赵女士", phone="13700137000"))
    act(org, "dispatcher", "merge", second, into=first.number)
    third = act(org, "dispatcher", "merge", third, into=first.number)
    first.refresh_from_db()
    assert first.incident_id == third.incident_id
    assert third.incident.size == 3


def test_appeal_reopens_for_review(org):
    case = intake(org)
    act(org, "dispatcher", "dispatch", case, units=["eng"])
    act(org, "handler_eng", "acknowledge", case)
    act(org, "handler_eng", "resolve", case)
    act(org, "agent", "reply", case, message="已处理")
    case = act(org, "agent", "appeal", case, reason="对处理结果有异议")
    assert case.status == "registered"
    assert case.appeal_count == 1
    event = case.events.get(kind="case.appealed")
    assert event.data["excluded_handlers"] == [org.users["handler_eng"].pk]


def test_events_are_append_only(org):
    case = intake(org)
    event = case.events.first()
    event.reason = "tampered"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
