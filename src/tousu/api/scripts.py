"""Guided scripts (SPEC §5, §10): ``GET /scripts?category=&pack=`` lists the scripts with
their questions and wordings; ``POST /scripts/{code}/evaluate`` walks one with the answers.

Evaluating changes nothing: it returns the outcome, the target routing key with the units
labelled with it (the suggested dispatch targets), the wording to read out and the duties
that follow. Intake with ``script: {code, answers}`` records the same on the case.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from tousu.api.errors import ERROR_RESPONSES
from tousu.org.models import Unit
from tousu.packs.registry import ActivePack, active_pack, active_packs
from tousu.packs.scripts_schema import Script
from tousu.rules.errors import ErrorCode, NotFound, ValidationFailed
from tousu.rules.scripts import evaluate_script

router = Router(tags=["scripts"])


class ScriptListIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(
        None, max_length=60,
        description="a category code: scripts of it, of its sub-categories and of its parents")
    pack: str | None = Field(None, max_length=40, description="a pack code")


class PackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pack: str | None = Field(None, max_length=40,
                             description="needed when several packs have a script of this code")


class ChoiceOut(Schema):
    code: str
    name: str


class QuestionOut(Schema):
    code: str
    text: str
    kind: str
    choices: list[ChoiceOut]
    expected: bool | str | None
    hint: str


class ScriptOut(Schema):
    code: str
    pack: str
    pack_version: str
    name: str
    category: str
    category_name: str
    window_may_close: bool
    summary: str
    questions: list[QuestionOut]
    wordings: dict[str, str]
    duties: dict[str, str]


class EvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="question code → true/false (yes/no questions) or a choice code")


class DutyOut(Schema):
    code: str
    text: str


class EvaluateOut(Schema):
    script: str
    pack: str
    pack_version: str
    category: str
    answers: dict[str, bool | str]
    outcome: str
    target: str | None
    target_name: str | None
    units: list[str]
    wording_key: str | None
    wording: str | None
    duties: list[DutyOut]
    reply_within: str | None
    note: str


def _script_json(active: ActivePack, script: Script) -> dict[str, Any]:
    pack = active.pack
    category = pack.category(script.category)
    return {
        "code": script.code, "pack": pack.code, "pack_version": active.version.version,
        "name": script.name, "category": script.category,
        "category_name": category.name if category else script.category,
        "window_may_close": script.window_may_close, "summary": script.summary,
        "questions": [
            {"code": q.code, "text": q.text, "kind": q.kind,
             "choices": [{"code": c.code, "name": c.label} for c in q.choices],
             "expected": q.expected, "hint": q.hint}
            for q in script.questions],
        "wordings": dict(script.wordings), "duties": dict(script.duties),
    }


def _packs(code: str | None) -> list[ActivePack]:
    return [active_pack(code)] if code else active_packs()


def _related(active: ActivePack, script: Script, category: str) -> bool:
    """The script is for the category, one of its parents, or one of its sub-categories."""
    pack = active.pack
    above = {c.code for c in pack.lineage(category)}
    return script.category in above or category in {c.code for c in pack.lineage(script.category)}


@router.get("", response={200: list[ScriptOut], **ERROR_RESPONSES},
            summary="Guided scripts, optionally for one category or pack")
def list_scripts(request: HttpRequest, filters: Query[ScriptListIn]) -> list[dict[str, Any]]:
    packs = _packs(filters.pack)
    category = filters.category
    if category and not any(a.pack.category(category) for a in packs):
        where = f"pack '{filters.pack}'" if filters.pack else "any active pack"
        raise ValidationFailed.one("category", f"unknown category '{category}' in {where}",
                                   ErrorCode.UNKNOWN)
    return [_script_json(active, script)
            for active in packs for script in active.pack.scripts
            if not category or (active.pack.category(category) and
                                _related(active, script, category))]


def _find(code: str, pack: str | None) -> tuple[ActivePack, Script]:
    found = [(a, s) for a in _packs(pack) if (s := a.pack.script(code)) is not None]
    if not found:
        where = f"pack '{pack}'" if pack else "any active pack"
        raise NotFound(f"no script '{code}' in {where}")
    if len(found) > 1:
        names = ", ".join(a.pack.code for a, _ in found)
        raise ValidationFailed.one(
            "pack", f"script '{code}' exists in packs {names}; name one with ?pack=")
    return found[0]


def _units(routing_key: str | None) -> list[str]:
    if not routing_key:
        return []
    return [u.code for u in Unit.objects.filter(active=True).order_by("code")
            if routing_key in (u.routing_keys or [])]


@router.post("/{code}/evaluate", response={200: EvaluateOut, **ERROR_RESPONSES},
             summary="Walk a script with the customer's answers (changes nothing)")
def evaluate(request: HttpRequest, code: str, payload: EvaluateIn,
             params: Query[PackIn]) -> dict[str, Any]:
    """422 naming ``answers.<question>`` for a missing answer, an answer of the wrong kind or
    outside the question's choices, or a question the script does not ask."""
    active, script = _find(code, params.pack)
    result = evaluate_script(script, payload.answers)
    target = active.pack.routing_key(result.target) if result.target else None
    return {
        "script": script.code, "pack": active.pack.code,
        "pack_version": active.version.version, "category": script.category,
        "answers": dict(result.answers), "outcome": result.outcome,
        "target": result.target, "target_name": target.name if target else None,
        "units": _units(result.target),
        "wording_key": result.wording_key, "wording": result.wording,
        "duties": [{"code": d.code, "text": d.text} for d in result.duties],
        "reply_within": str(result.reply_within) if result.reply_within else None,
        "note": result.note,
    }
