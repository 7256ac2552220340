"""Apply the pack's grading rules to a case when its facts change (SPEC §4 automatic upgrades).

Called at intake, on an urge, when the customer rejects an offer, when a new complainant
joins the case's incident, and by the sweep (``trigger="sweep"``: unresolved too long). Each
upgrade is an event naming the rule that caused it; the case's clocks follow its new severity.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tousu.cases import clocks
from tousu.cases.incidents import incident_facts
from tousu.cases.models import Case, Proposal
from tousu.cases.services.common import Actor, pack_for, record
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
        size = incident_facts(case.incident, now)
        _at_least(facts, "complainant_count", size.complainant_count)
        _at_least(facts, "households", size.households)
        _at_least(facts, "same_matter_month", size.same_matter_month)
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
