"""Guided scripts (规范应答) as data: questions, ordered decision rules, wording, duties.

The loader proves that the rules of every script cover every combination of answers, so
``Script.decide`` always finds a rule for a complete set of answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tousu.rules.durations import Duration

OUTCOMES: tuple[str, ...] = ("close_at_window", "dispatch", "transfer", "consult")
QUESTION_KINDS: tuple[str, ...] = ("yes_no", "choice")

Answer = bool | str
Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str  # yes_no | choice
    choices: tuple[Choice, ...]  # empty for yes_no
    expected: Answer | None  # the answer that points to the script's typical cause
    hint: str = ""

    def domain(self) -> tuple[Answer, ...]:
        """Every answer this question can receive."""
        if self.kind == "yes_no":
            return (True, False)
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True)
class ScriptRule:
    """``when`` maps question codes to the accepted answers; empty ``when`` = otherwise."""

    when: Mapping[str, frozenset[Answer]]
    outcome: str
    target: str | None  # routing key for dispatch / transfer
    wording: str | None  # key into Script.wordings
    duties: tuple[str, ...]  # keys into Script.duties
    reply_within: Duration | None
    note: str
    source: str

    @property
    def otherwise(self) -> bool:
        return not self.when

    def matches(self, answers: Answers) -> bool:
        return all(answers.get(q) in accepted for q, accepted in self.when.items())


@dataclass(frozen=True)
class Script:
    code: str
    name: str
    category: str
    window_may_close: bool
    summary: str  # what the customer typically reports
    questions: tuple[Question, ...]
    rules: tuple[ScriptRule, ...]
    wordings: Mapping[str, str]  # situation -> approved wording
    duties: Mapping[str, str]  # duty code -> what must be done afterwards
    source: str

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def decide(self, answers: Answers) -> ScriptRule | None:
        """The first rule whose conditions the answers meet (pack key ``scripts[].rules``)."""
        return next((rule for rule in self.rules if rule.matches(answers)), None)

    def combinations(self) -> Iterator[dict[str, Answer]]:
        """Every complete set of answers; one empty set when the script asks nothing."""
        codes = [q.code for q in self.questions]
        for values in itertools.product(*(q.domain() for q in self.questions)):
            yield dict(zip(codes, values, strict=True))
