"""An SLA limit that is negative or has no unit is refused when the pack is loaded: the
message names file, line and field, and the previous version of the pack stays active."""

from __future__ import annotations

import pytest

from tousu.cli import main
from tousu.packs.loader import DATA_DIR
from tousu.packs.models import PackVersion

pytestmark = pytest.mark.django_db

GOOD = "      resolve: 2d\n"


@pytest.mark.parametrize("limit", ["-2d", "48", "-30min", "2 days"])
def test_bad_limit_is_refused_and_changes_nothing(packs, tmp_path, capsys, limit):
    text = (DATA_DIR / "property.yaml").read_text(encoding="utf-8")
    line = text[: text.index(GOOD)].count("\n") + 1
    path = tmp_path / "property.yaml"
    path.write_text(text.replace(GOOD, f"      resolve: {limit}\n", 1), encoding="utf-8")
    active = PackVersion.objects.get(code="property", active=True).pk
    assert main(["load-pack", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}: sla.policies[1].resolve: '{limit}' is not a duration" in err
    assert "write a whole number and a unit" in err
    assert PackVersion.objects.get(code="property", active=True).pk == active
