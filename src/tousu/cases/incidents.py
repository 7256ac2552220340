"""Incidents at intake (批量 / 集体 / 热点, SPEC §4): join complaints about the same matter.

A new case joins an incident when a recent case of the same pack and category, about the
same place or object, with a similar description (``tousu.rules.incidents``), came from a
*different* customer within the pack's window. The incident's complainants of the last month
— distinct people, distinct households — feed the grading facts (``complainant_count``,
``households``, ``same_matter_month``), and every other open case of the incident is graded
again: a new complainant joining a matter is an upgrade trigger, and each upgrade is an event
naming its rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from tousu.cases.models import Case, Incident
from tousu.cases.services.common import SYSTEM, Actor, record
from tousu.packs.schema import Pack
from tousu.rules import incidents as same
from tousu.rules.lifecycle import ACTIVE, Status

# "Within a month" in the seeds (seed 004 › 顾客投诉办理制度 › 一2) is read as 30 days, as the
# packs do elsewhere; also the window when a pack's grading names no window.
MONTH = timedelta(days=30)
DEFAULT_WINDOW = MONTH
WINDOW_FACTS = {"same_matter_month": MONTH}
MAX_CANDIDATES = 500  # most recent cases compared per intake
EXCLUDED = (Status.INVALID.value, Status.WITHDRAWN.value)


def window_for(pack: Pack) -> timedelta:
    """How far back a same-matter case may be: the longest window the pack's grading rules
    count in (``same_matter_month`` → 30 days), else ``DEFAULT_WINDOW`` (also 30 days: the
    seeds' collective and hot-spot rules speak of the same time or the same month)."""
    windows = [
        WINDOW_FACTS[c.fact]
        for rule in pack.grading
        for c in rule.conditions
        if c.fact in WINDOW_FACTS
    ]
    return max(windows, default=DEFAULT_WINDOW)


def customer_key(case: Case) -> str:
    """Who complained: phone, else e-mail, else address (a customer row is made per case)."""
    c = case.customer
    return _customer_key(c.pk, c.phone, c.email, c.address)


def _customer_key(pk: int, phone: str, email: str, address: str) -> str:
    for kind, value in (("phone", phone), ("email", email), ("address", address)):
        if value and value.strip():
            return f"{kind}:{value.strip().lower()}"
    return f"customer:{pk}"


def household_key(case: Case) -> str:
    """Which household: the recorded room/household when given, else the customer."""
    household = (case.customer.household or "").strip()
    return f"household:{household}" if household else customer_key(case)


def place_of(case: Case) -> str:
    """The place or object a case is about: its location, else the complained-about person or
    the order/account it names."""
    return _place(case.location, case.complained_person, case.references)


def _place(location: str, person: str, references: dict | None) -> str:
    refs = references or {}
    return location or person or refs.get("order") or refs.get("account") or ""


def _matter(case: Case) -> same.Matter:
    return same.matter(case.category, place_of(case), case.description)


def place_key(case: Case) -> str:
    """The normalised place of a case (``rules.incidents.normalise``), stored at intake in
    ``Case.place_key`` so that the candidates' query can leave out other places itself."""
    return same.normalise(place_of(case))


# The candidates of an intake as plain values in one statement written out: building the
# equivalent ORM query (joins, JSON keys, excludes) cost ~1 ms of CPU per intake, more than
# reading the rows. ``references`` is read whole (JSON text on both databases).
#
# Of the most recent cases of the pack and category, only those whose stored place key can be
# the same place (``rules.incidents.same_place``: equal, or one containing the other) come
# back; comparing all of them in Python cost ~1.5 ms of CPU per intake. Keys hold only
# letters, digits and Chinese characters (``normalise``), so LIKE needs no escaping. Cases
# registered before the key was stored (NULL) come back too and are compared in Python.
_CANDIDATES_SQL = """
SELECT r.id, r.location, r.complained_person, r."references", r.description,
       r.customer_id, cu.phone, cu.email, cu.address
FROM (SELECT c.id, c.place_key, c.location, c.complained_person, c."references",
             c.description, c.customer_id
      FROM cases_case c
      WHERE c.pack = %s AND c.category = %s AND c.received_at >= %s AND c.received_at <= %s
        AND c.id <> %s AND c.status NOT IN (%s, %s)
      ORDER BY c.received_at DESC, c.id DESC
      LIMIT %s) r
JOIN cases_customer cu ON cu.id = r.customer_id
WHERE r.place_key IS NULL OR r.place_key = %s
   OR (length(r.place_key) >= %s AND %s LIKE '%%' || r.place_key || '%%')
   OR (%s >= %s AND r.place_key LIKE %s)
"""


def _candidate_rows(case: Case, here: str, since: datetime, now: datetime) -> list[tuple]:
    """The most recent ``MAX_CANDIDATES`` live cases of the case's pack and category received
    in [since, now], other than the case itself (index ``case_pack_category_received``), that
    may be about the place whose key is ``here``."""
    adapt = connection.ops.adapt_datetimefield_value
    me = case.pk or 0  # at intake the case is not numbered (nor stored) yet
    params = [case.pack, case.category, adapt(since), adapt(now), me, *EXCLUDED]
    shortest = same.MIN_CONTAINED_PLACE
    places = [here, shortest, here, len(here), shortest, f"%{here}%"]
    with connection.cursor() as cursor:  # prepared by psycopg from its 5th run (settings)
        cursor.execute(_CANDIDATES_SQL, [*params, MAX_CANDIDATES, *places])
        return cursor.fetchall()


def _candidates(case: Case, pack: Pack, now: datetime) -> list[tuple[int, same.Matter]]:
    """The most recent cases of the same pack and category in the window, from other
    customers and about the same place (``rules.incidents.same_place``, decided once per
    distinct place), as matters to compare."""
    mine, here = customer_key(case), place_of(case)
    places: dict[str, bool] = {}
    out = []
    key = case.place_key if case.place_key is not None else place_key(case)  # kept at intake
    rows = _candidate_rows(case, key, now - window_for(pack), now)
    for pk, location, person, refs, text, customer, phone, email, address in rows:
        if _customer_key(customer, phone, email, address) == mine:
            continue
        place = location or person
        if not place and refs:
            place = _place("", "", json.loads(refs) if isinstance(refs, str) else refs)
        if place not in places:
            places[place] = same.same_place(here, place)
        if places[place]:
            out.append((pk, same.Matter(case.category, place, text)))
    return out


@dataclass(frozen=True)
class Joined:
    incident: Incident
    matched: Case
    score: float
    created: bool


# pg_advisory_xact_lock(MATCHING_LOCK, hashtext('pack:category')): same-matter matching
MATCHING_LOCK = 7_070_002


def find_same_matter(case: Case, pack: Pack, now: datetime) -> tuple[Case, float] | None:
    """The most similar recent case of another customer about the same matter, if any.

    Until the transaction ends, other intakes of the same pack and category wait here, so two
    complaints about one matter arriving together still find each other: the later looks
    once the earlier is committed. (PostgreSQL: a transaction-level advisory lock, taken
    before the case is numbered, so intakes of other categories do not wait; SQLite runs one
    writer at a time.)"""
    if not case.category:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = f"{case.pack}:{case.category}"
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [MATCHING_LOCK, key])
    candidates = _candidates(case, pack, now)
    if not candidates:  # most intakes: no case about the same place (n-grams not needed)
        return None
    found = same.best_match(_matter(case), candidates)
    if found is None:
        return None
    other = Case.objects.select_related("customer", "incident").get(pk=found.key)
    return other, found.score


def join_incident(
    case: Case,
    pack: Pack,
    now: datetime,
    match: tuple[Case, float] | None,
    actor: Actor = SYSTEM,
) -> Joined | None:
    """At intake: put ``case`` in the incident of ``match``, its best same-matter match from
    ``find_same_matter`` (creating the incident around the match when it had none), and record
    it on both. Under the incident's row lock, its counts (``size``: distinct complainants,
    ``households``) grow when the case brings a new complainant or household; the other
    members are graded again only when a count reaches a threshold of the pack's rules
    (``rules.incidents.size_rules``)."""
    if match is None:
        return None
    other, score = match
    created = other.incident_id is None
    if created:
        incident = _new_incident(other, now)
        _attach(other, incident, now, actor, matched=case, score=score)
    incident = _locked(other.incident_id or incident.pk)
    _attach(case, incident, now, actor, matched=other, score=score)
    outlived = _outlived(incident, now)  # one query; then the stored counts are the facts
    before = incident_facts(incident, now, without=case.pk, outlived=outlived)
    _count_in(incident, case)
    if size_rules_of(pack).crossed(before, incident_facts(incident, now, outlived=outlived)):
        regrade_others(incident, case, pack, now)
    return Joined(incident, other, score, created)


def _locked(pk: int) -> Incident:
    rows = Incident.objects.all()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.get(pk=pk)


def counts(incident: Incident) -> dict[str, int]:
    """The grading facts an incident's stored counts give (``rules.incidents.COUNT_FACTS``)."""
    return {
        "complainant_count": incident.size,
        "households": incident.households,
        "same_matter_month": incident.size,
    }


def _outlived(incident: Incident, now: datetime, window: timedelta = MONTH) -> bool:
    """Is a live member older than the window? One query on the incident's cases."""
    live = incident.cases.exclude(status__in=EXCLUDED)
    return live.filter(received_at__lt=now - window).exists()


def incident_facts(
    incident: Incident,
    now: datetime,
    window: timedelta = MONTH,
    without: int | None = None,
    outlived: bool | None = None,
) -> dict[str, int]:
    """The grading facts of an incident as of ``now``, over its cases received in the
    ``window`` before ``now`` (the seeds count people complaining "at the same time" or
    "within a month"): distinct complainants (also ``same_matter_month``) and households.
    While no live member is older than the window these are the stored counts (one indexed
    query to know it); an incident that has outlived its window is counted again, leaving out
    the case ``without`` (``outlived``: already known, saves the query). A grade once reached
    is kept (grading never lowers)."""
    if not (_outlived(incident, now, window) if outlived is None else outlived):
        return counts(incident)
    recent = [
        c for c in _members(incident) if now - window <= c.received_at <= now and c.pk != without
    ]
    size = len({customer_key(c) for c in recent})
    return {
        "complainant_count": size,
        "households": len({household_key(c) for c in recent}),
        "same_matter_month": size,
    }


def _others_like(incident: Incident, case: Case, key: str) -> bool:
    """Does another live member have the same complainant (``key`` from ``customer_key``) or
    household (``household:…``)? One indexed query over the incident's cases."""
    kind, _, value = key.partition(":")
    field = {
        "phone": "customer__phone",
        "email": "customer__email__iexact",
        "address": "customer__address",
        "household": "customer__household",
        "customer": "customer_id",
    }[kind]
    rows = incident.cases.exclude(pk=case.pk).exclude(status__in=EXCLUDED)
    if kind in ("phone", "address", "household"):  # stored as typed: compare trimmed values
        raw = getattr(case.customer, field.removeprefix("customer__"))
        return rows.filter(**{f"{field}__in": {raw, raw.strip()}}).exists()
    return rows.filter(**{field: value}).exists()


def _count_in(incident: Incident, case: Case) -> None:
    """Count ``case`` in the (locked) incident: a new complainant adds one to ``size``, a new
    household one to ``households``; written only when something changed."""
    changed = []
    if not _others_like(incident, case, customer_key(case)):
        incident.size += 1
        changed.append("size")
        if not _others_like(incident, case, household_key(case)):
            incident.households += 1
            changed.append("households")
    if changed:
        incident.save(update_fields=changed)


def _new_incident(first: Case, now: datetime) -> Incident:
    return Incident.objects.create(
        pack=first.pack,
        category=first.category,
        key=same.incident_key(first.category, place_of(first)),
        title=(place_of(first) + " " + first.description)[:60].strip(),
        size=1,
        households=1,
        created_at=now,
    )


def _attach(
    case: Case, incident: Incident, now: datetime, actor: Actor, *, matched: Case, score: float
) -> None:
    case.incident = incident
    case.version += 1
    case.updated_at = now
    case.save(update_fields=["incident", "version", "updated_at"])
    record(
        case,
        "case.incident_joined",
        actor,
        now,
        after={"incident": incident.pk},
        reason="same matter as another customer's complaint",
        data={
            "incident": incident.pk,
            "matched_case": matched.number,
            "similarity": round(score, 3),
            "key": incident.key,
        },
    )


def _members(incident: Incident) -> list[Case]:
    return list(incident.cases.exclude(status__in=EXCLUDED).select_related("customer"))


def households_of(incident: Incident) -> int:
    """Distinct households among the incident's live (not invalid/withdrawn) cases."""
    return len({household_key(c) for c in _members(incident)})


def refresh_size(incident: Incident) -> int:
    """Count the incident again from its live (not invalid/withdrawn) cases: distinct
    complainants (``size``) and households. A repair tool; joins keep the counts current."""
    members = _members(incident)
    incident.size = len({customer_key(c) for c in members})
    incident.households = len({household_key(c) for c in members})
    incident.save(update_fields=["size", "households"])
    return incident.size


_SIZE_RULES: dict[int, tuple[Pack, same.SizeRules]] = {}


def size_rules_of(pack: Pack) -> same.SizeRules:
    """``rules.incidents.size_rules`` of the pack's grading rules, worked out once per pack."""
    held = _SIZE_RULES.get(id(pack))
    if held is None or held[0] is not pack:
        held = _SIZE_RULES[id(pack)] = (pack, same.size_rules(pack.grading))
    return held[1]


def regrade_others(incident: Incident, joined: Case, pack: Pack, now: datetime) -> int:
    """A count reached a threshold: raise the other unfinished members to what the pack's
    count rules give the incident's counts. One read of the members (locked), one bulk
    update of those below the new grade and one bulk insert of their events, each naming its
    rule; members already at or above it are untouched. Returns how many were raised. A pack
    with rules mixing counts and a case's own facts grades each member in full instead."""
    from tousu.cases.services.grading import apply_upgrades, count_upgrades

    others = (
        incident.cases.exclude(pk=joined.pk)
        .filter(status__in=[s.value for s in ACTIVE])
        .order_by("pk")
    )
    if connection.features.has_select_for_update:
        others = others.select_for_update(of=("self",))
    if size_rules_of(pack).mixed:
        return sum(bool(apply_upgrades(o, SYSTEM, now, trigger=TRIGGER)) for o in others)
    return count_upgrades(list(others), pack, counts(incident), now, trigger=TRIGGER)


TRIGGER = "incident_joined"
