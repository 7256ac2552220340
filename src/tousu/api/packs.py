"""GET /packs and GET /packs/{code}: the installed industry packs (SPEC §10, §11);
``GET|POST /packs/{code}/suggest-category`` ranks the pack's categories for a text (SPEC §3)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import Out
from tousu.cases.models import MAX_DESCRIPTION
from tousu.cases.suggest import suggest_for
from tousu.packs.registry import ActivePack, active_packs
from tousu.packs.schema import Pack
from tousu.packs.scripts_schema import Script
from tousu.rules.errors import NotFound

router = Router(tags=["packs"])


class CodeNameOut(Out):
    code: str
    name: str


class CategoryOut(Out):
    code: str
    name: str
    parent: str | None


class LadderOut(Out):
    code: str
    name: str
    rank: int


class QuestionOut(Out):
    code: str
    text: str
    kind: str
    choices: list[CodeNameOut]


class ScriptOut(Out):
    code: str
    category: str
    name: str
    window_may_close: bool
    questions: list[QuestionOut]


class PackOut(Out):
    code: str
    name: str
    version: str
    description: str
    request_types: list[CodeNameOut]
    categories: list[CategoryOut]
    severities: list[LadderOut]
    default_severity: str
    escalation_levels: list[LadderOut]
    invalid_reasons: list[CodeNameOut]
    scripts: list[ScriptOut]


def _script(script: Script) -> dict[str, Any]:
    return {
        "code": script.code,
        "category": script.category,
        "name": script.name,
        "window_may_close": script.window_may_close,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "choices": [{"code": c.code, "name": c.label} for c in q.choices],
            }
            for q in script.questions
        ],
    }


def _ladder(steps: Any) -> list[dict[str, Any]]:
    ordered = sorted(steps, key=lambda x: x.rank)
    return [{"code": x.code, "name": x.name, "rank": x.rank} for x in ordered]


def pack_json(active: ActivePack) -> dict[str, Any]:
    pack: Pack = active.pack
    names = {info.code: info.name for info in pack.request_type_info}
    return {
        "code": pack.code,
        "name": pack.name,
        "version": pack.version,
        "description": pack.description,
        "request_types": [{"code": c, "name": names.get(c, c)} for c in pack.request_types],
        "categories": [
            {"code": c.code, "name": c.name, "parent": c.parent} for c in pack.categories
        ],
        "severities": _ladder(pack.severities),
        "default_severity": pack.default_severity,
        "escalation_levels": _ladder(pack.escalation_levels),
        "invalid_reasons": [{"code": k, "name": v} for k, v in pack.invalid_reasons.items()],
        "scripts": [_script(s) for s in pack.scripts],
    }


@router.get(
    "", response={200: list[PackOut], **ERROR_RESPONSES}, summary="The active industry packs"
)
def list_packs(request: HttpRequest) -> list[dict[str, Any]]:
    return [pack_json(a) for a in active_packs()]


def _active(code: str) -> ActivePack:
    for active in active_packs():
        if active.pack.code == code:
            return active
    raise NotFound(f"no active pack '{code}'")


@router.get(
    "/{code}",
    response={200: PackOut, **ERROR_RESPONSES},
    summary="One active pack with its categories, ladders and scripts",
)
def get_pack(request: HttpRequest, code: str) -> dict[str, Any]:
    return pack_json(_active(code))


class SuggestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=MAX_DESCRIPTION,
                      description="what the customer said, e.g. the case description")
    limit: int = Field(3, ge=1, le=50, description="at most this many categories")


class SuggestionOut(Out):
    code: str
    name: str
    score: int
    matched: list[str]


def _suggestions(code: str, given: SuggestIn) -> list[dict[str, Any]]:
    found = suggest_for(_active(code).pack, given.text, given.limit)
    return [{"code": s.code, "name": s.name, "score": s.score, "matched": list(s.matched)}
            for s in found]


_SUGGEST_SUMMARY = "The pack's categories whose keywords the text contains, best first"


@router.get("/{code}/suggest-category", response={200: list[SuggestionOut], **ERROR_RESPONSES},
            summary=_SUGGEST_SUMMARY)
def suggest_category(request: HttpRequest, code: str,
                     given: Query[SuggestIn]) -> list[dict[str, Any]]:
    return _suggestions(code, given)


@router.post("/{code}/suggest-category", response={200: list[SuggestionOut], **ERROR_RESPONSES},
             summary=_SUGGEST_SUMMARY + " (the text in the body, out of URLs and logs)")
def suggest_category_post(request: HttpRequest, code: str,
                          given: SuggestIn) -> list[dict[str, Any]]:
    return _suggestions(code, given)
