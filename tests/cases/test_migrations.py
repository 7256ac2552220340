"""The data migrations of cases 0013 (hash chain) and 0014 (household counts) over rows that
exist before them: a database taken back to 0012, rows written with the models of that state,
then migrated to head. The digests must be those that ``record`` gives and that the earlier,
slower migration code gave (kept below as the reference); the counts those of
``tousu.cases.incidents``. Chunks are made tiny so that cases and incidents straddle them."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import at
from tousu.cases import history
from tousu.cases.incidents import households_of
from tousu.cases.models import Case, Event, Incident
from tousu.cli import main
from tousu.rules.history import Content, digest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0012_list_order_indexes")]
SEAL = importlib.import_module("tousu.cases.migrations.0013_history_chain")
COUNT = importlib.import_module("tousu.cases.migrations.0014_incident_counts")


def migrate(targets=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.fixture
def old_apps():
    """The database at cases 0012 (every other app stays at its head), its historical models;
    back to head afterwards, whatever the test did."""
    try:
        yield migrate(BEFORE).loader.project_state(BEFORE).apps
    finally:
        migrate()


class Old:
    """Rows written with the models of cases 0012."""

    def __init__(self, apps):
        self.apps = apps
        self.customers = 0

    def model(self, name):
        return self.apps.get_model("cases", name)

    def customer(self, phone="", email="", address="", household=""):
        self.customers += 1
        return self.model("Customer").objects.create(
            name=f"客户{self.customers}", phone=phone, email=email, address=address,
            household=household,
        )  # fmt: skip

    def case(self, n, customer=None, incident=None, status="processing"):
        return self.model("Case").objects.create(
            number=f"M{n:011d}", pack="property", status=status, channel="phone",
            request_type="complaint", category="equipment_water", description="楼道灯不亮",
            customer=customer or self.customer(phone=f"1390000{n:04d}"), incident=incident,
            received_at=at("2026-11-02 09:00"), created_at=at("2026-11-02 09:00"),
            updated_at=at("2026-11-02 09:00"),
        )  # fmt: skip

    def event(self, case, n, **values):
        fields = {
            "kind": "case.progress", "at": at("2026-11-02 09:00").replace(microsecond=n * 7),
            "before": {"status": "dispatched"}, "after": {"status": "processing", "n": n},
            "reason": f"第{n}次：已联系\t客户\n\\备注", "data": {"z": [1, 2.5, None], "a": True},
        }  # fmt: skip
        return self.model("Event").objects.create(case=case, **{**fields, **values})


def old_seal_existing(apps):
    """0013's code before it streamed (the reference the new code must agree with)."""
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("cases", "Event")
    previous: dict[int, str] = {}
    pending = []
    for event in Event.objects.order_by("case_id", "id").iterator(chunk_size=2000):
        content = Content(
            event.case_id, event.kind, event.actor_id, event.at,
            event.before, event.after, event.reason, event.data,
        )  # fmt: skip
        event.prev_digest = previous.get(event.case_id, "")
        event.digest = previous[event.case_id] = digest(content, event.prev_digest)
        pending.append(event)
    Event.objects.bulk_update(pending, ["digest", "prev_digest"])
    cases = [Case(pk=pk, history_digest=latest) for pk, latest in previous.items()]
    Case.objects.bulk_update(cases, ["history_digest"])


def stored_digests() -> tuple[dict, dict]:
    events = {pk: (d, p) for pk, d, p in Event.objects.values_list("id", "digest", "prev_digest")}
    return events, dict(Case.objects.values_list("id", "history_digest"))


def test_0013_seals_existing_events_as_record_and_the_old_code_did(old_apps, monkeypatch, capsys):
    # a case's events across chunks, chunks across cases (raising: the old code had none)
    monkeypatch.setattr(SEAL, "CHUNK", 3, raising=False)
    old = Old(old_apps)
    actor = old_apps.get_model("org", "User").objects.create(username="old_agent", role="agent")
    first, second, third, empty = (old.case(n) for n in range(1, 5))
    shanghai_evening = datetime(2026, 11, 2, 23, 30, 0, 123456, tzinfo=UTC)
    for n in range(7):  # interleaved: id order is not case order
        old.event(first, n, actor_id=actor.pk if n % 2 else None)
        old.event(second, n, data={"中文": "值", "nested": {"b": 1, "a": [{"y": 0, "x": 1.0}]}})
    old.event(third, 0, kind="case.registered", at=shanghai_evening, before={}, after={})
    old.event(first, 7, reason="")

    migrate()

    events, cases = stored_digests()
    assert len(events) == 16 and all(len(d) == 64 for d, _ in events.values())
    assert cases[empty.pk] == ""
    for case in Case.objects.filter(events__isnull=False).distinct():
        stored = list(case.events.order_by("id"))
        fresh = list(case.events.order_by("id"))
        assert history.seal(fresh, "") == case.history_digest  # as record() seals
        assert [(e.digest, e.prev_digest) for e in fresh] == [
            (e.digest, e.prev_digest) for e in stored
        ]
    code = main(["verify-history"])
    assert code == 0, capsys.readouterr().out
    assert "checked 3 cases, 16 events" in capsys.readouterr().out

    Event.objects.update(digest="", prev_digest="")
    Case.objects.update(history_digest="")
    old_seal_existing(current_apps)
    assert stored_digests() == (events, cases)


def test_0014_counts_households_as_the_incidents_module_does(old_apps, monkeypatch):
    monkeypatch.setattr(COUNT, "CHUNK", 1, raising=False)  # one incident per UPDATE
    old = Old(old_apps)
    Incident_ = old.model("Incident")

    def incident(key):
        return Incident_.objects.create(
            pack="property", category="equipment_water", key=key, title=key, size=1,
            created_at=at("2026-11-01 08:00"),
        )  # fmt: skip

    mixed, single, dead, empty, two = (incident(k) for k in ("mixed", "1", "dead", "0", "2"))
    same_room = ["3栋501", " 3栋501\u3000", "3栋501 "]  # U+3000: a full-width space
    members = [
        *(old.customer(household=h, phone=f"1380000{n}") for n, h in enumerate(same_room)),
        old.customer(phone="13800001111"),
        old.customer(phone="13800001111\u3000"),
        old.customer(email="Wang@Example.cn"),
        old.customer(email=" wang@example.cn"),
        old.customer(address="Ａ座1室"),  # full-width capital: lower() makes it ａ
        old.customer(address="ａ座1室"),
        old.customer(),  # nothing given: the customer itself
        old.customer(),
    ]
    n = 0
    for customer in members:
        n += 1
        old.case(n, customer, mixed)
    for status in ("invalid", "withdrawn"):  # not counted
        old.case(n := n + 1, old.customer(phone="13911112222"), mixed, status=status)
        old.case(n := n + 1, old.customer(phone="13911113333"), dead, status=status)
    old.case(n := n + 1, old.customer(phone="13900000001"), single)
    old.case(n := n + 1, old.customer(phone="13900000001"), single)
    old.case(n := n + 1, old.customer(phone="13900000001"), two)
    old.case(n := n + 1, old.customer(phone="13900000002"), two)

    migrate()

    counts = dict(Incident.objects.values_list("key", "households"))
    # one room, one phone, one e-mail, one address, two customers with nothing given
    assert counts == {"mixed": 6, "1": 1, "dead": 1, "0": 1, "2": 2}
    for row in Incident.objects.all():
        assert row.households == max(households_of(row), 1), row.key
