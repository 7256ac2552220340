"""Apply the pack's grading rules to a case when its facts change (SPEC §4 automatic upgrades).

Called at intake, on an urge, when the customer rejects an offer, when a new complainant
joins the case's incident, and by the sweep (``trigger="sweep"``: unresolved too long). Each
upgrade is an event naming the rule that caused it; the case's clocks follow its new severity.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tousu.cases import bulk_write, clocks, history
from tousu.cases.incidents import incident_facts, size_rules_of
from tousu.cases.models import Case, Event, Proposal
from tousu.cases.services.common import SYSTEM, Actor, pack_for, record
from tousu.notify.service import notify_on_commit
from tousu.packs.schema import Pack
from tousu.rules import grading as rules_grading
from tousu.rules.grading import Upgrade, grade
from tousu.rules.lifecycle import OPEN, Status

MAX_REPEAT_CHAIN = 50  # a repeat_of chain longer than this is not followed further


def _earlier_contacts(case: Case) -> list[int]:
    """Urge counts of the cases this one repeats, following ``repeat_of`` back."""
    counts: list[int] = []
    seen = {case.pk}
    previous_id = case.repeat_of_id
    while previous_id is not None and previous_id not in seen and len(counts) < MAX_REPEAT_CHAIN:
        seen.add(previous_id)
        row = Case.objects.filter(pk=previous_id).values("urge_count", "repeat_of_id").first()
        if row is None:
            break
        counts.append(row["urge_count"])
        previous_id = row["repeat_of_id"]
    return counts


def _final_rejected(case: Case, pack: Pack) -> bool:
    # every rejection counts in rejection_count: with none, no query is needed
    final = (
        case.rejection_count > 0
        and case.proposals.filter(status=Proposal.State.REJECTED, final=True).exists()
    )
    return rules_grading.final_offer_rejected(case.rejection_count, pack.rejection_limit, final)


def _at_least(facts: dict[str, Any], key: str, value: int) -> None:
    try:
        own = int(facts.get(key) or 0)
    except (TypeError, ValueError):
        own = 0
    facts[key] = max(own, value)


def case_facts(case: Case, now: datetime, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Facts the grading rules read: what intake recorded plus what the history shows —
    the receiving channel (media / regulator), repeats (urges and the repeat_of chain), the
    incident's size, rejected offers, and how long a valid case has been open."""
    pack = pack_for(case)
    facts: dict[str, Any] = dict(case.facts or {})
    facts.update(rules_grading.channel_facts(case.channel))
    facts.update(
        {
            "channel": case.channel,
            "category": case.category,
            "request_type": case.request_type,
            "urge_count": case.urge_count,
            "repeat_count": rules_grading.repeat_count(case.urge_count, _earlier_contacts(case)),
            "rejection_count": case.rejection_count,
            "closed_before": case.repeat_of_id is not None or bool(facts.get("closed_before")),
        }
    )
    if case.incident_id:
        for fact, value in incident_facts(case.incident, now).items():
            _at_least(facts, fact, value)
    if Status(case.status) in OPEN and case.validity in ("", "valid"):
        facts["unresolved_for"] = max(now - case.received_at, timedelta(0))
    facts.update(extra or {})
    if _final_rejected(case, pack):  # after ``extra``: a caller's False does not undo it
        facts["final_offer_rejected"] = True
    return facts


def upgrades_for(
    case: Case, pack: Pack, now: datetime, extra: dict[str, Any] | None = None
) -> list[Upgrade]:
    lineage = [c.code for c in pack.lineage(case.category)] if case.category else []
    return grade(
        pack.grading,
        case_facts(case, now, extra),
        severity_ranks={s.code: s.rank for s in pack.severities},
        level_ranks={lv.code: lv.rank for lv in pack.escalation_levels},
        current_severity=case.severity,
        current_level=case.escalation_level,
        lineage=lineage,
    )


def apply_upgrades(
    case: Case,
    actor: Actor,
    now: datetime,
    *,
    trigger: str,
    extra: dict[str, Any] | None = None,
    save: bool = True,
) -> list[Upgrade]:
    """Raise severity / escalation level as the pack's rules say; one event per upgrade."""
    pack = pack_for(case)
    found = upgrades_for(case, pack, now, extra)
    for up in found:
        before = getattr(case, up.field)
        setattr(case, up.field, up.code)
        if up.field == "severity":
            case.severity_rank = up.rank
        if save:
            record(
                case,
                f"case.{up.field}_raised",
                actor,
                now,
                before={up.field: before},
                after={up.field: up.code},
                reason=up.rule_name,
                data={"rule": up.rule, "source": up.source, "trigger": trigger},
            )
    if found and save:
        clocks.refresh_due(case, pack, now)
        case.version += 1
        case.save(
            update_fields=[
                "severity",
                "severity_rank",
                "escalation_level",
                "version",
                *clocks.DUE_FIELDS,
            ]
        )
    return found


def count_upgrades(
    members: list[Case], pack: Pack, facts: dict[str, int], now: datetime, *, trigger: str
) -> int:
    """Raise incident members to what the pack's count-only rules give ``facts`` (the
    incident's counts): severity and escalation level, each only where the member is below
    it. The members' rows are written in one bulk update, their events (one per upgrade,
    naming the rule) in one bulk insert. Returns how many members were raised."""
    rules = size_rules_of(pack).rules
    category = members[0].category if members else ""
    severity_ranks = {s.code: s.rank for s in pack.severities}
    level_ranks = {lv.code: lv.rank for lv in pack.escalation_levels}
    lineage = [c.code for c in pack.lineage(category)] if category else []
    raised: list[Case] = []
    events: list[Event] = []
    for case in members:
        found = grade(
            rules,
            facts,
            severity_ranks=severity_ranks,
            level_ranks=level_ranks,
            current_severity=case.severity,
            current_level=case.escalation_level,
            lineage=lineage,
        )
        for up in found:
            events.append(_raised_event(case, up, getattr(case, up.field), now, trigger))
            setattr(case, up.field, up.code)
            if up.field == "severity":
                case.severity_rank = up.rank
        if found:
            clocks.refresh_due(case, pack, now)
            case.version += 1
            case.updated_at = now
            raised.append(case)
    history.seal_batch(events)  # the hash chain (SPEC §8), as the sweep does
    bulk_write.insert(Event, events)
    fields = ["severity", "severity_rank", "escalation_level", "version", "updated_at"]
    bulk_write.update(Case, raised, [*fields, *clocks.DUE_FIELDS])
    for event in events:
        notify_on_commit(event)
    return len(raised)


def _raised_event(case: Case, up: Upgrade, before: str, now: datetime, trigger: str) -> Event:
    """The event ``record`` would write for an upgrade by the system."""
    return Event(
        case=case,
        kind=f"case.{up.field}_raised",
        actor=SYSTEM.user,
        at=now,
        before={up.field: before},
        after={up.field: up.code},
        reason=up.rule_name,
        data={"rule": up.rule, "source": up.source, "trigger": trigger},
    )
