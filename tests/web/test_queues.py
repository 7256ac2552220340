"""Queues: each its slice of the cases, filters, Chinese full-text search, due-time order,
clocks and severity on every row."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests import factories
from tests.web.conftest import page_text


def numbers(response) -> list[str]:
    import re

    return re.findall(r'<td><a href="[^"]+">(\d{12})</a>', page_text(response))


def test_queues_slice_the_cases(client_as, org, eng_case, sec_case):
    registered = factories.intake(org, description="电梯经常停运", category="equipment_elevator")
    dispatcher = client_as("dispatcher")
    assert numbers(dispatcher.get("/console/queues/to_dispatch/")) == [registered.number]
    assert set(numbers(dispatcher.get("/console/queues/acknowledge/"))) == {
        eng_case.number, sec_case.number}
    handler = client_as("handler_eng")
    assert numbers(handler.get("/console/queues/acknowledge/")) == [eng_case.number]
    assert numbers(handler.get("/console/queues/unit/")) == [eng_case.number]
    assert numbers(handler.get("/console/queues/all/")) == [eng_case.number]
    assert set(numbers(client_as("agent").get("/console/queues/mine/"))) == {
        eng_case.number, sec_case.number, registered.number}


def test_rows_link_handlers_to_their_work_order(client_as, eng_case):
    text = page_text(client_as("handler_eng").get("/console/queues/unit/"))
    assert f"/console/work-orders/{eng_case.work_orders.get().pk}/" in text


def test_filters(client_as, org, eng_case, sec_case):
    client = client_as("supervisor")
    assert numbers(client.get("/console/queues/all/", {"unit": "sec"})) == [sec_case.number]
    assert numbers(client.get("/console/queues/all/", {"category": "security"})) == [
        sec_case.number]
    assert numbers(client.get("/console/queues/all/", {"status": "closed"})) == []
    assert numbers(client.get("/console/queues/all/", {"channel": "phone", "pack": "property"}))
    today = timezone.localdate()
    after = client.get("/console/queues/all/", {"created_after": str(today + timedelta(days=1))})
    assert numbers(after) == []
    both = client.get("/console/queues/all/", {"created_after": str(today),
                                               "created_before": str(today)})
    assert set(numbers(both)) == {eng_case.number, sec_case.number}


def test_chinese_full_text_search(client_as, eng_case, sec_case):
    client = client_as("supervisor")
    assert numbers(client.get("/console/queues/all/", {"q": "保安"})) == [sec_case.number]


def test_sorted_by_due_time_with_clock_and_severity(client_as, org, eng_case, sec_case):
    text = page_text(client_as("supervisor").get("/console/queues/all/"))
    assert "剩余" in text or "已超时" in text
    assert 'class="sev sev-' in text
    due = sorted([eng_case, sec_case], key=lambda c: (c.next_due_at, c.number))
    assert numbers(client_as("supervisor").get("/console/queues/all/")) == [
        c.number for c in due]


def test_htmx_filters_swap_the_results_only(client_as, eng_case):
    response = client_as("supervisor").get("/console/queues/all/", {"status": "dispatched"},
                                           headers={"HX-Request": "true"})
    assert page_text(response).lstrip().startswith('<section id="results"')


def test_paging(client_as, org):
    for i in range(27):
        factories.intake(org, description=f"第{i}件")
    client = client_as("agent")
    first = client.get("/console/queues/all/")
    assert len(numbers(first)) == 25
    assert "page=2" in page_text(first)
    assert len(numbers(client.get("/console/queues/all/", {"page": "2"}))) == 2


def test_a_search_with_many_matches_pages_without_counting_them_all(client_as, org):
    """More than a page of matches: "超过 25 件" and a next page, which holds the rest."""
    from tousu.web.console.queues import PAGE_SIZE

    for i in range(PAGE_SIZE + 2):
        factories.intake(org, description=f"第{i}户：楼道水管漏水", category="equipment_water")
    factories.intake(org, description="电梯经常停运", category="equipment_elevator")
    client = client_as("dispatcher")
    first = client.get("/console/queues/all/?q=漏水")
    assert f"超过 {PAGE_SIZE} 件" in page_text(first)
    assert "page=2" in page_text(first)
    second = client.get("/console/queues/all/?q=漏水&page=2")
    assert len(numbers(second)) == 2
    assert "共 27 件" in page_text(second)
    assert not set(numbers(first)) & set(numbers(second))
