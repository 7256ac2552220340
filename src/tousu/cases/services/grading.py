"""Apply the pack's grading rules to a case when its facts change (SPEC §4 automatic upgrades).

Each upgrade is an event naming the rule that caused it; the case's clocks follow its new
severity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tousu.cases import clocks
from tousu.cases.models import Case
from tousu.cases.services.common import Actor, pack_for, record
from tousu.packs.schema import Pack
from tousu.rules.grading import Upgrade, grade
from tousu.rules.lifecycle import OPEN, Status


def case_facts(case: Case, now: datetime, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Facts the grading rules read: what intake recorded plus what the history shows."""
    facts: dict[str, Any] = dict(case.facts or {})
    facts.update(
        {
            "channel": case.channel,
            "category": case.category,
            "request_type": case.request_type,
            "urge_count": case.urge_count,
            "repeat_count": case.urge_count + 1,
            "rejection_count": case.rejection_count,
            "closed_before": case.repeat_of_id is not None or bool(facts.get("closed_before")),
        }
    )
    if case.incident_id:
        facts["complainant_count"] = max(
            int(facts.get("complainant_count") or 1), case.incident.size
        )
    if Status(case.status) in OPEN and case.validity in ("", "valid"):
        facts["unresolved_for"] = now - case.received_at
    facts.update(extra or {})
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
