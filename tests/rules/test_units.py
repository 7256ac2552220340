"""Where a unit may be moved in the tree: never under itself or under its own sub-units."""

from __future__ import annotations

import pytest

from tousu.rules.units import cycle_through

TREE = {"hq": None, "eng": "hq", "repair": "eng", "lift": "repair", "sec": "hq", "partner": None}


@pytest.mark.parametrize(
    ("unit", "new_parent", "chain"),
    [
        ("eng", "sec", []),  # a sibling
        ("lift", "hq", []),  # further up
        ("eng", None, []),  # to the top
        ("partner", "lift", []),  # another tree
        ("eng", "eng", ["eng"]),  # itself
        ("eng", "repair", ["repair", "eng"]),  # its child
        ("hq", "lift", ["lift", "repair", "eng", "hq"]),  # a grandchild's child
    ],
)
def test_cycle_through(unit, new_parent, chain):
    assert cycle_through(TREE, unit, new_parent) == chain


def test_a_tree_already_broken_still_ends():
    broken = {"a": "b", "b": "a", "c": None}
    assert cycle_through(broken, "c", "a") == []
