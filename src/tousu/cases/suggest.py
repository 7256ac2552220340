"""Category suggestion for a pack and what the customer said (SPEC §3): the text is cut by
the full-text search's jieba segmentation and handed to ``tousu.rules.suggest``.

Only a suggestion: nothing here assigns a category to a case.
"""

from __future__ import annotations

from dataclasses import dataclass

from tousu.cases.models import MAX_DESCRIPTION
from tousu.cases.search import segment
from tousu.packs.schema import Pack
from tousu.rules.errors import ValidationFailed
from tousu.rules.suggest import suggest_categories

SHOWN = 3  # the intake page offers at most this many


@dataclass(frozen=True)
class CategorySuggestion:
    code: str
    name: str
    score: int
    matched: tuple[str, ...]


def suggest_for(pack: Pack, text: str, limit: int | None = SHOWN,
                field: str = "text") -> list[CategorySuggestion]:
    """Ranked categories of ``pack`` for ``text``; ValidationFailed naming ``field`` if the
    text is longer than a description may be."""
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed.one(
            field, f"text is {len(text)} characters long; at most {MAX_DESCRIPTION} are read")
    names = {c.code: c.name for c in pack.categories}
    found = suggest_categories(pack.categories, segment(text), text, limit)
    return [CategorySuggestion(s.code, names[s.code], s.score, s.matched) for s in found]
