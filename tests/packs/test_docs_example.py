"""The example pack in docs/packs.md is complete and loads."""

from __future__ import annotations

import re
from pathlib import Path

from tousu.packs.loader import load_pack_text

DOC = Path(__file__).resolve().parents[2] / "docs" / "packs.md"


def example_text() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example-pack -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, "docs/packs.md lost its example pack block"
    return match.group(1)


def test_docs_example_loads():
    pack = load_pack_text(example_text(), "docs/packs.md#example")
    assert pack.code == "clinic"
    assert pack.route_for("treatment_attitude") == "medical"
    assert pack.route_for("waiting") == "front_desk"
    script = pack.script("long_wait")
    assert script is not None
    assert script.decide({"had_number": False}).outcome == "dispatch"
