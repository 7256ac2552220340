"""Category suggestion at intake (SPEC §3): which categories the customer's words point to.

Each category of a pack may list ``keywords`` (short Chinese words typical of it, pack key
``categories[].keywords``). A keyword matches when it is one of the segmented words of the
description or, so that two-character keywords work however the segmenter cuts, when it occurs
anywhere in the raw text. Latin letters match regardless of case (WiFi, APP).

Score: the characters of the matched keywords added up, so a longer, more specific phrase
outweighs a short, general word. Ranking: higher score first, then more keywords matched, then
the order of the categories in the pack (the order the agent sees them in), so ties always
come out the same way. No match, no suggestion: the agent chooses, nothing is assigned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class Keyworded(Protocol):
    """What the rule reads of a category (``tousu.packs.schema.Category`` fits)."""

    @property
    def code(self) -> str: ...

    @property
    def keywords(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: int
    matched: tuple[str, ...]  # the category's keywords found, in the pack's order


def matched_keywords(keywords: Sequence[str], words: frozenset[str], text: str) -> tuple[str, ...]:
    """Keywords that are a word of the text or occur in it (both compared case-folded)."""
    return tuple(k for k in keywords if k.casefold() in words or k.casefold() in text)


def suggest_categories(
    categories: Iterable[Keyworded],
    text_words: Iterable[str],
    text: str = "",
    limit: int | None = None,
) -> list[Suggestion]:
    """Categories whose keywords the text contains, best first; at most ``limit`` of them."""
    words = frozenset(w.casefold() for w in text_words if w.strip())
    folded = text.casefold()
    ranked: list[tuple[int, int, int, Suggestion]] = []
    for order, category in enumerate(categories):
        matched = matched_keywords(category.keywords, words, folded)
        if matched:
            score = sum(len(k) for k in matched)
            ranked.append((-score, -len(matched), order, Suggestion(category.code, score, matched)))
    ranked.sort(key=lambda r: r[:3])
    found = [r[3] for r in ranked]
    return found if limit is None else found[: max(limit, 0)]
