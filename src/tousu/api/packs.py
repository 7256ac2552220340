"""GET /packs and GET /packs/{code}: the installed industry packs (SPEC §10, §11)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tousu.api.errors import ERROR_RESPONSES
from tousu.api.schemas import Out
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


@router.get(
    "/{code}",
    response={200: PackOut, **ERROR_RESPONSES},
    summary="One active pack with its categories, ladders and scripts",
)
def get_pack(request: HttpRequest, code: str) -> dict[str, Any]:
    for active in active_packs():
        if active.pack.code == code:
            return pack_json(active)
    raise NotFound(f"no active pack '{code}'")
