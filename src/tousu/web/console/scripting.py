"""The guided script beside the intake form (SPEC §5): which script a category uses, the
answers given so far, and the outcome once every question is answered.

The decision itself is ``tousu.rules.scripts.evaluate_script``; this module only reads the
form's ``answer_<question>`` values and finds the units a routing key points to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tousu.org.models import Unit
from tousu.packs.schema import Pack, Script
from tousu.rules.scripts import Answer, ScriptOutcome, evaluate_script

YES, NO = "yes", "no"


@dataclass
class ScriptPanel:
    """What the panel shows for one category and the answers given so far."""

    pack: Pack | None = None
    category: str = ""
    script: Script | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    outcome: ScriptOutcome | None = None
    route: str | None = None  # routing key: the script's target, else the category's route
    units: list[Unit] = field(default_factory=list)  # active units labelled with ``route``

    @property
    def missing(self) -> int:
        return len(self.script.questions) - len(self.answers) if self.script else 0

    @property
    def may_close(self) -> bool:
        """Close at the window: the script says so, or there is no script to say otherwise."""
        if self.script is None:
            return True
        return self.outcome is not None and self.outcome.outcome in ("close_at_window", "consult")

    @property
    def suggested_unit(self) -> str:
        return self.units[0].code if self.units else ""


def script_for(pack: Pack, category: str) -> Script | None:
    """The script of the category or of its nearest ancestor that has one."""
    for node in pack.lineage(category):
        scripts = pack.scripts_for(node.code)
        if scripts:
            return scripts[0]
    return None


def parse_answers(script: Script, raw: Mapping[str, str]) -> dict[str, Answer]:
    """The answers given in the form (``answer_<code>``); blanks and strays are left out."""
    answers: dict[str, Answer] = {}
    for question in script.questions:
        value = (raw.get(f"answer_{question.code}") or "").strip()
        if question.kind == "yes_no" and value in (YES, NO):
            answers[question.code] = value == YES
        elif question.kind != "yes_no" and value in {c.code for c in question.choices}:
            answers[question.code] = value
    return answers


def units_for_route(route: str | None) -> list[Unit]:
    if not route:
        return []
    units = Unit.objects.filter(active=True).order_by("code")
    return [u for u in units if route in (u.routing_keys or [])]


def build_panel(pack: Pack | None, category: str, raw: Mapping[str, str]) -> ScriptPanel:
    if pack is None or not category or pack.category(category) is None:
        return ScriptPanel(pack=pack)
    panel = ScriptPanel(pack=pack, category=category, script=script_for(pack, category))
    if panel.script is not None:
        panel.answers = parse_answers(panel.script, raw)
        if panel.missing == 0:
            panel.outcome = evaluate_script(panel.script, panel.answers)
    target = panel.outcome.target if panel.outcome else None
    panel.route = target or pack.route_for(category)
    panel.units = units_for_route(panel.route)
    return panel
