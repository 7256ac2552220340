"""Request-type triage (诉求类型) and consultation → complaint conversion (SPEC §3, §4).

Pure functions of the pack's request types and what the agent learnt from the customer.
The definitions come from seed 000 (天翼空间 rules, 第四–七条): an 查询 looks something up, a
咨询 asks about products or tariffs, a 障碍申告 reports a fault that stops use, a 投诉
voices dissatisfaction and wants it solved; seed 004 adds the 举报 (report of a violation)
and suggestions. Only request types the pack uses are suggested (pack key
``request_types``); a type the pack lacks falls back to the nearest one it has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

Facts = Mapping[str, object]


@dataclass(frozen=True)
class TriageRule:
    """When ``test`` holds for the signals, the request type is ``request_type``."""

    code: str
    request_type: str
    test: Callable[[Facts], bool]
    source: str


def _yes(name: str) -> Callable[[Facts], bool]:
    return lambda signals: bool(signals.get(name))


def _dissatisfied(signals: Facts) -> bool:
    return bool(signals.get("dissatisfied")) and bool(signals.get("wants_resolution", True))


# Signals an agent records (all yes/no): reports_violation, dissatisfied, wants_resolution
# (default yes), service_unusable, suggests_improvement, lookup, asks_information.
TRIAGE_RULES: tuple[TriageRule, ...] = (
    TriageRule(
        "reports_violation",
        "report",
        _yes("reports_violation"),
        "seed 004 › 用户举报投诉处理规章制度 › 第六条",
    ),
    TriageRule(
        "dissatisfied_wants_resolution",
        "complaint",
        _dissatisfied,
        "seed 000 › 中国电信天翼空间…管理办法 › 第七条",
    ),
    TriageRule(
        "service_unusable",
        "fault",
        _yes("service_unusable"),
        "seed 000 › 中国电信天翼空间…管理办法 › 第六条",
    ),
    TriageRule(
        "suggests_improvement",
        "suggestion",
        _yes("suggests_improvement"),
        "seed 004 › 投诉处理及回访制度 › 三",
    ),
    TriageRule(
        "self_service_lookup",
        "inquiry",
        _yes("lookup"),
        "seed 000 › 中国电信天翼空间…管理办法 › 第四条",
    ),
    TriageRule(
        "asks_information",
        "consultation",
        _yes("asks_information"),
        "seed 000 › 中国电信天翼空间…管理办法 › 第五条",
    ),
)

# Where the pack lacks a type, the nearest one it has (tousu's choice): a fault that stops
# use is a complaint (seed 000 第七条(2)); a report is a complaint about a violation.
FALLBACK: Mapping[str, tuple[str, ...]] = {
    "inquiry": ("consultation", "complaint"),
    "consultation": ("inquiry", "complaint"),
    "fault": ("complaint",),
    "report": ("complaint",),
    "suggestion": ("consultation", "complaint"),
    "complaint": (),
}


@dataclass(frozen=True)
class TriageDecision:
    request_type: str
    rule: str
    source: str


def available(request_type: str, pack_types: Iterable[str]) -> str | None:
    """``request_type`` if the pack uses it, else its nearest fallback the pack uses."""
    types = tuple(pack_types)
    for candidate in (request_type, *FALLBACK.get(request_type, ())):
        if candidate in types:
            return candidate
    return None


def suggest_request_type(pack_types: Iterable[str], signals: Facts) -> TriageDecision | None:
    """The request type the signals point to, among the pack's types; the first rule of
    ``TRIAGE_RULES`` that holds decides. None when no signal is given."""
    types = tuple(pack_types)
    for rule in TRIAGE_RULES:
        if rule.test(signals):
            chosen = available(rule.request_type, types)
            if chosen is not None:
                return TriageDecision(chosen, rule.code, rule.source)
    return None


CONVERTIBLE: frozenset[str] = frozenset({"inquiry", "consultation"})


@dataclass(frozen=True)
class Conversion:
    """A consultation (or inquiry) becomes a complaint; the history keeps the old type."""

    from_type: str
    to_type: str
    rule: str
    source: str


def conversion(request_type: str, pack_types: Iterable[str], signals: Facts) -> Conversion | None:
    """咨询转投诉: the customer stays dissatisfied after the explanation, or the answer came
    late or did not help (seed 000 › 天翼空间…管理办法 › 第七条(1)). None when nothing
    changes: not a consultation/inquiry, still satisfied, or the pack takes no complaints."""
    if request_type not in CONVERTIBLE or "complaint" not in tuple(pack_types):
        return None
    if signals.get("still_dissatisfied"):
        rule = "still_dissatisfied_after_explanation"
    elif signals.get("answer_overdue") or signals.get("answer_unhelpful"):
        rule = "answer_late_or_unhelpful"
    else:
        return None
    return Conversion(
        request_type, "complaint", rule, "seed 000 › 中国电信天翼空间…管理办法 › 第七条(1)"
    )
