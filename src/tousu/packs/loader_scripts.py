"""Reading guided scripts, and proving that their rules decide every set of answers."""

from __future__ import annotations

from types import MappingProxyType

import yaml

from tousu.packs.loader_rules import Refs
from tousu.packs.scripts_schema import (
    OUTCOMES,
    QUESTION_KINDS,
    Answer,
    Choice,
    Question,
    Script,
    ScriptRule,
)
from tousu.packs.yaml_reader import MapView, Reader

MAX_COMBINATIONS = 4096  # 12 yes/no questions; a longer script should be split
_QUESTION_FIELDS = ("code", "text", "kind", "choices", "expected", "hint")
_RULE_FIELDS = (
    "when",
    "otherwise",
    "outcome",
    "target",
    "wording",
    "duties",
    "reply_within",
    "note",
    "source",
)
_SCRIPT_FIELDS = (
    "code",
    "name",
    "category",
    "window_may_close",
    "summary",
    "questions",
    "rules",
    "wordings",
    "duties",
    "source",
)


def _answer(r: Reader, node: yaml.Node, path: str, question: Question) -> Answer:
    if question.kind == "yes_no":
        return r.boolean(node, path)
    return r.ref(node, path, [c.code for c in question.choices], "choice")


def _choices(r: Reader, v: MapView) -> tuple[Choice, ...]:
    node = v.get("choices")
    if node is None:
        return ()
    view = r.mapping(node, v.at("choices"), None)
    return tuple(Choice(r.code(view.key_node(k), view.at(k)), view.text(k)) for k in view.fields())


def _question(r: Reader, node: yaml.Node, path: str) -> Question:
    v = r.mapping(node, path, _QUESTION_FIELDS)
    kind = v.ref("kind", QUESTION_KINDS, "question kind")
    choices = _choices(r, v)
    if kind == "choice" and len(choices) < 2:
        raise r.fail(node, v.at("choices"), "a choice question needs at least two choices")
    if kind == "yes_no" and choices:
        raise r.fail(v.need("choices"), v.at("choices"), "a yes_no question takes no choices")
    question = Question(
        code=v.code("code"),
        text=v.text("text"),
        kind=kind,
        choices=choices,
        expected=None,
        hint=v.opt_text("hint", "") or "",
    )
    expected = v.get("expected")
    if expected is None:
        return question
    return Question(
        question.code,
        question.text,
        kind,
        choices,
        _answer(r, expected, v.at("expected"), question),
        question.hint,
    )


def _when(
    r: Reader, node: yaml.Node, path: str, questions: dict[str, Question]
) -> MappingProxyType[str, frozenset[Answer]]:
    view = r.mapping(node, path, questions)
    when: dict[str, frozenset[Answer]] = {}
    for code in view.fields():
        value, at = view.need(code), view.at(code)
        if isinstance(value, yaml.SequenceNode):
            accepted = frozenset(_answer(r, n, p, questions[code]) for p, n in r.items(value, at))
        else:
            accepted = frozenset({_answer(r, value, at, questions[code])})
        when[code] = accepted
    if not when:
        raise r.fail(node, path, "name at least one question (or write otherwise: true)")
    return MappingProxyType(when)


def _rule(
    r: Reader,
    node: yaml.Node,
    path: str,
    script: MapView,
    questions: dict[str, Question],
    refs: Refs,
    wordings: dict[str, str],
    duties: dict[str, str],
) -> ScriptRule:
    v = r.mapping(node, path, _RULE_FIELDS)
    otherwise = v.boolean("otherwise", False)
    when_node = v.get("when")
    if otherwise == (when_node is not None):
        raise r.fail(node, path, "a rule has either when: (conditions) or otherwise: true")
    outcome = v.ref("outcome", OUTCOMES, "outcome")
    target = v.opt_ref("target", refs.routing_keys, "routing key")
    if outcome in ("dispatch", "transfer") and target is None:
        raise r.fail(node, v.at("target"), f"outcome '{outcome}' needs a target routing key")
    return ScriptRule(
        when=MappingProxyType({})
        if when_node is None
        else _when(r, when_node, v.at("when"), questions),
        outcome=outcome,
        target=target,
        wording=v.opt_ref("wording", wordings, "wording"),
        duties=v.refs("duties", duties, "duty"),
        reply_within=v.opt_duration("reply_within"),
        note=v.opt_text("note", "") or "",
        source=v.opt_text("source") or script.text("source"),
    )


def _text_map(r: Reader, v: MapView, key: str, required: bool) -> dict[str, str]:
    node = v.need(key) if required else v.get(key)
    if node is None:
        return {}
    view = r.mapping(node, v.at(key), None)
    for k in view.fields():
        r.code(view.key_node(k), view.at(k))
    return {k: view.text(k) for k in view.fields()}


def _check_coverage(r: Reader, v: MapView, script: Script, rule_nodes: list[yaml.Node]) -> None:
    """Every combination of answers must reach a rule, and every rule must be reachable."""
    total = 1
    for q in script.questions:
        total *= len(q.domain())
    if total > MAX_COMBINATIONS:
        raise r.fail(
            v.key_node("questions"),
            v.at("questions"),
            f"{total} answer combinations; split the script (limit {MAX_COMBINATIONS})",
        )
    used: set[int] = set()
    for answers in script.combinations():
        index = next((i for i, rule in enumerate(script.rules) if rule.matches(answers)), None)
        if index is None:
            shown = ", ".join(f"{k}={_show(a)}" for k, a in answers.items())
            raise r.fail(
                v.key_node("rules"),
                v.at("rules"),
                f"no rule decides the answers ({shown}); add a rule or end with otherwise: true",
            )
        used.add(index)
    for index, node in enumerate(rule_nodes):
        if index not in used:
            raise r.fail(
                node,
                f"{v.at('rules')}[{index}]",
                "this rule can never apply: earlier rules take every answer it accepts",
            )


def _show(answer: Answer) -> str:
    return ("true" if answer else "false") if isinstance(answer, bool) else answer


def _script(r: Reader, node: yaml.Node, path: str, refs: Refs) -> Script:
    v = r.mapping(node, path, _SCRIPT_FIELDS)
    questions: dict[str, Question] = {}
    for q_path, q_node in v.items("questions", required=False):
        question = _question(r, q_node, q_path)
        if question.code in questions:
            raise r.fail(q_node, q_path, f"duplicate question code '{question.code}'")
        questions[question.code] = question
    wordings = _text_map(r, v, "wordings", required=True)
    duties = _text_map(r, v, "duties", required=False)
    rule_items = list(v.items("rules"))
    rules = [_rule(r, n, p, v, questions, refs, wordings, duties) for p, n in rule_items]
    for (path_, node), rule in zip(rule_items[:-1], rules[:-1], strict=True):
        if rule.otherwise:
            raise r.fail(node, path_, "otherwise: true may only be the last rule")
    script = Script(
        code=v.code("code"),
        name=v.text("name"),
        category=v.ref("category", refs.categories, "category"),
        window_may_close=v.boolean("window_may_close"),
        summary=v.opt_text("summary", "") or "",
        questions=tuple(questions.values()),
        rules=tuple(rules),
        wordings=MappingProxyType(wordings),
        duties=MappingProxyType(duties),
        source=v.text("source"),
    )
    _check_coverage(r, v, script, [node for _, node in rule_items])
    closes = any(rule.outcome == "close_at_window" for rule in script.rules)
    if closes and not script.window_may_close:
        raise r.fail(
            v.need("window_may_close"),
            v.at("window_may_close"),
            "a rule closes at the window, so window_may_close must be true",
        )
    return script


def read_scripts(r: Reader, node: yaml.Node | None, path: str, refs: Refs) -> tuple[Script, ...]:
    if node is None:
        return ()
    scripts: list[Script] = []
    for item_path, item in r.items(node, path):
        script = _script(r, item, item_path, refs)
        if script.code in {s.code for s in scripts}:
            raise r.fail(item, item_path, f"duplicate script code '{script.code}'")
        scripts.append(script)
    return tuple(scripts)
