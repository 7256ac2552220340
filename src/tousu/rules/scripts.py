"""Guided scripts (规范应答, SPEC §5): check the answers and walk the decision rules.

A script (pack key ``scripts``) asks questions, then its ordered rules decide: the first rule
whose conditions the answers meet gives the outcome (``close_at_window``, ``dispatch``,
``transfer``, ``consult``), the routing key of the target, the wording the agent reads out and
the duties that follow. The loader has proved that the rules decide every complete set of
answers, so the only ways to fail here are bad answers, refused with the question named.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tousu.rules.durations import Duration
from tousu.rules.errors import ErrorCode, FieldError, ValidationFailed

Answer = bool | str


class ChoiceLike(Protocol):
    @property
    def code(self) -> str: ...


class QuestionLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def choices(self) -> Sequence[ChoiceLike]: ...


class ScriptRuleLike(Protocol):
    @property
    def outcome(self) -> str: ...
    @property
    def target(self) -> str | None: ...
    @property
    def wording(self) -> str | None: ...
    @property
    def duties(self) -> Sequence[str]: ...
    @property
    def reply_within(self) -> Duration | None: ...
    @property
    def note(self) -> str: ...
    @property
    def source(self) -> str: ...

    def matches(self, answers: Mapping[str, Answer]) -> bool: ...


class ScriptLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def questions(self) -> Sequence[QuestionLike]: ...
    @property
    def rules(self) -> Sequence[ScriptRuleLike]: ...
    @property
    def wordings(self) -> Mapping[str, str]: ...
    @property
    def duties(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class Duty:
    code: str
    text: str


@dataclass(frozen=True)
class ScriptOutcome:
    """What a script decided for one set of answers."""

    script: str
    category: str
    answers: Mapping[str, Answer]
    rule: int  # index of the deciding rule in the script
    outcome: str
    target: str | None  # routing key (dispatch / transfer)
    wording_key: str | None
    wording: str | None
    duties: tuple[Duty, ...]
    reply_within: Duration | None
    note: str
    source: str


def _choice_codes(question: QuestionLike) -> list[str]:
    return [c.code for c in question.choices]


def _check_answer(question: QuestionLike, value: object, path: str) -> FieldError | None:
    if question.kind == "yes_no":
        if not isinstance(value, bool):
            return FieldError(path, ErrorCode.INVALID, f"{path}: answer true or false")
        return None
    codes = _choice_codes(question)
    if not isinstance(value, str) or value not in codes:
        return FieldError(
            path,
            ErrorCode.INVALID,
            f"{path}: '{value}' is not a choice of question '{question.code}'; "
            f"one of {', '.join(codes)}",
        )
    return None


def answer_errors(
    script: ScriptLike, answers: Mapping[str, object], prefix: str = "answers"
) -> list[FieldError]:
    """Every problem with the answers, each naming ``<prefix>.<question>``: a question left
    unanswered, an answer of the wrong kind or outside the choices, an unknown question."""
    errors: list[FieldError] = []
    known = {q.code for q in script.questions}
    for question in script.questions:
        path = f"{prefix}.{question.code}"
        if question.code not in answers:
            errors.append(FieldError(path, ErrorCode.INVALID, f"{path} is required"))
            continue
        problem = _check_answer(question, answers[question.code], path)
        if problem is not None:
            errors.append(problem)
    for code in answers:
        if code not in known:
            path = f"{prefix}.{code}"
            errors.append(
                FieldError(
                    path,
                    ErrorCode.UNKNOWN,
                    f"{path}: script '{script.code}' has no question '{code}'",
                )
            )
    return errors


def evaluate_script(
    script: ScriptLike, answers: Mapping[str, object], prefix: str = "answers"
) -> ScriptOutcome:
    """Decide a script (pack key ``scripts[].rules``): refuse bad answers with
    ValidationFailed naming each question, else return the first matching rule's outcome."""
    errors = answer_errors(script, answers, prefix)
    if errors:
        raise ValidationFailed(
            f"script '{script.code}' refused the answers: " + "; ".join(e.message for e in errors),
            errors,
        )
    checked: dict[str, Answer] = {q.code: _as_answer(answers[q.code]) for q in script.questions}
    for index, rule in enumerate(script.rules):
        if rule.matches(checked):
            return _outcome(script, checked, index, rule)
    # The loader refuses scripts whose rules leave a combination undecided.
    raise ValidationFailed.one(prefix, f"script '{script.code}' decides nothing for these answers")


def _as_answer(value: object) -> Answer:
    return value if isinstance(value, bool) else str(value)


def _outcome(
    script: ScriptLike, answers: dict[str, Answer], index: int, rule: ScriptRuleLike
) -> ScriptOutcome:
    wording = script.wordings.get(rule.wording) if rule.wording else None
    return ScriptOutcome(
        script=script.code,
        category=script.category,
        answers=answers,
        rule=index,
        outcome=rule.outcome,
        target=rule.target,
        wording_key=rule.wording,
        wording=wording,
        duties=tuple(Duty(code, script.duties.get(code, "")) for code in rule.duties),
        reply_within=rule.reply_within,
        note=rule.note,
        source=rule.source,
    )


def outcome_record(outcome: ScriptOutcome, pack_version: str) -> dict[str, object]:
    """The JSON a case keeps (``Case.script``): which script and version, the answers, the
    decision and the wording used."""
    return {
        "code": outcome.script,
        "pack_version": pack_version,
        "answers": dict(outcome.answers),
        "outcome": outcome.outcome,
        "target": outcome.target,
        "wording_key": outcome.wording_key,
        "wording": outcome.wording,
        "duties": [{"code": d.code, "text": d.text} for d in outcome.duties],
        "reply_within": str(outcome.reply_within) if outcome.reply_within else None,
        "rule": outcome.rule,
    }


def answer_facts(outcome: ScriptOutcome, fact_names: Collection[str]) -> dict[str, bool]:
    """Yes answers to questions named after a grading fact (``violence``, ``injury``…) are
    that fact: the script and the grading rules then agree without asking twice."""
    return {
        code: True
        for code, answer in outcome.answers.items()
        if answer is True and code in fact_names
    }
