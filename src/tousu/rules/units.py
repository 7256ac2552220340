"""The unit tree (centre, departments, branches, partners): where a unit may be moved.

Pure: the tree comes in as a mapping from unit code to its parent's code (None at the top).
"""

from __future__ import annotations

from collections.abc import Mapping


def cycle_through(
    parent_of: Mapping[str, str | None], unit: str, new_parent: str | None
) -> list[str]:
    """The chain ``new_parent → … → unit`` that would become a loop if ``unit`` were put under
    ``new_parent`` (``[unit]`` when it is its own parent), else ``[]``: moving under oneself
    or under one's own sub-unit is refused."""
    chain: list[str] = []
    current = new_parent
    for _ in range(len(parent_of) + 1):  # a tree already broken still ends
        if current is None:
            return []
        chain.append(current)
        if current == unit:
            return chain
        current = parent_of.get(current)
    return []

