"""Same matter? Grouping complaints into incidents (批量 / 集体 / 热点, SPEC §4).

Complaints from different customers belong to one incident when they are about the same
matter: same pack and category, the same place or object once both are normalised, and
descriptions that say much the same thing. Text similarity works on sets of character
bigrams and trigrams of the normalised descriptions (Chinese needs no word segmentation for
this), with the place cut out of each text because it is compared on its own. The overlap
coefficient beat the Jaccard index on every measured set; both are here. The thresholds were
measured on generated complaints (``docs/rules.md``, ``tests/rules/test_incidents.py``).

``size_rules`` reads a pack's grading rules once for the group sizes that change a grade, so
that a join regrades the other members only when the incident reaches one of them.

Pure: the service layer (``tousu.cases.incidents``) finds the candidates and the window.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from tousu.rules.grading import RuleLike

# Measured on generated complaints (docs/rules.md § Incidents): with a named place that
# matches, 0.30 joins about 1 in 70 different matters at the same place; without a place the
# text must carry all the evidence and 0.70 joins none of 4,000 pairs of the same category.
SAME_MATTER_THRESHOLD = 0.30
TEXT_ONLY_THRESHOLD = 0.70
NGRAM_SIZES: tuple[int, ...] = (2, 3)
# Places the same shorter name contains count as the same place only from this length on, so
# "幸福小区3栋" matches "幸福小区3栋2单元" but "3栋" alone matches nothing by containment.
MIN_CONTAINED_PLACE = 4

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A Chinese numeral (up to 99) right before a unit of an address: 三栋, 十二层, 二十一号.
_CN_NUMBER = re.compile(
    r"([零〇一二两三四五六七八九十]{1,3})(?=(栋|幢|座|号|楼|层|单元|室|期|区|排|门|路|街|巷|弄|组|村))"
)
_BUILDING = re.compile(r"(\d+)(?:#楼|#|号楼|幢|座)")
_LONG_NUMBER = re.compile(r"\d{5,}")  # order numbers, phone numbers: differ per customer
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def _cn_to_int(text: str) -> int | None:
    if "十" not in text:
        if len(text) != 1:
            return None
        return _DIGITS.get(text)
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    high = _DIGITS.get(tens, -1) if tens else 1
    low = _DIGITS.get(ones, -1) if ones else 0
    if high < 0 or low < 0:
        return None
    return high * 10 + low


def _arabic(match: re.Match[str]) -> str:
    value = _cn_to_int(match.group(1))
    return match.group(1) if value is None else str(value)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, address numerals as digits (三栋 → 3栋,
    5号楼/5幢/5# → 5栋), long numbers and all punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _CN_NUMBER.sub(_arabic, text)
    text = _BUILDING.sub(r"\1栋", text)
    text = _LONG_NUMBER.sub("", text)
    return _KEEP.sub("", text)


def ngrams(text: str, place: str = "", sizes: Sequence[int] = NGRAM_SIZES) -> frozenset[str]:
    """Character n-grams of the normalised text, with the normalised ``place`` cut out of it
    (the place is compared on its own). The whole text when it is shorter than an n-gram."""
    norm = normalise(text)
    where = normalise(place)
    if where:
        norm = norm.replace(where, "")
    grams = {norm[i : i + n] for n in sizes for i in range(len(norm) - n + 1)}
    if not grams and norm:
        grams.add(norm)
    return frozenset(grams)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|A ∩ B| / |A ∪ B|."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """|A ∩ B| / min(|A|, |B|) (Szymkiewicz–Simpson): a short restatement of a long account
    still scores high, where Jaccard would be diluted by the longer text."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: str, b: str, place_a: str = "", place_b: str = "") -> float:
    """How alike two descriptions are (0..1): the overlap coefficient of their bigram and
    trigram sets, each with its own place cut out."""
    return overlap(ngrams(a, place_a), ngrams(b, place_b))


# Places (≤ 200 characters) repeat: an intake compares its own with those of up to 500
# recent cases, so their normal forms are kept (descriptions are not: they can be long).
_normal_place = lru_cache(maxsize=4096)(normalise)


def same_place(a: str, b: str) -> bool:
    """Same place or object after normalising: equal, or one (of at least
    ``MIN_CONTAINED_PLACE`` characters) contained in the other. Two blank places agree (the
    text must then carry the match); a blank and a named place do not."""
    x, y = _normal_place(a), _normal_place(b)
    if x == y:
        return True
    if not x or not y:
        return False
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= MIN_CONTAINED_PLACE and short in long_


@dataclass(frozen=True)
class Matter:
    """What one complaint is about. ``place`` is the location, or the complained-about
    object (a product, an account, an app) where there is no location."""

    category: str
    place: str
    text: str
    grams: frozenset[str] = field(default=frozenset(), compare=False)

    def shingles(self) -> frozenset[str]:
        return self.grams or ngrams(self.text, self.place)


def matter(category: str, place: str, text: str) -> Matter:
    """A Matter with its n-grams computed once (for comparing against many candidates)."""
    return Matter(category, place, text, ngrams(text, place))


def threshold_for(a: Matter, b: Matter) -> float:
    """A named place that matches carries half the evidence; without one the text must."""
    named = bool(normalise(a.place)) and bool(normalise(b.place))
    return SAME_MATTER_THRESHOLD if named else TEXT_ONLY_THRESHOLD


def score(a: Matter, b: Matter) -> float | None:
    """Text similarity of two matters, or None when category or place already differ."""
    if a.category != b.category or not same_place(a.place, b.place):
        return None
    return overlap(a.shingles(), b.shingles())


def same_matter(a: Matter, b: Matter, threshold: float | None = None) -> bool:
    """Same category, same place or object, and descriptions alike: at least ``threshold``,
    by default ``SAME_MATTER_THRESHOLD`` with a named place, ``TEXT_ONLY_THRESHOLD``
    without."""
    value = score(a, b)
    limit = threshold_for(a, b) if threshold is None else threshold
    return value is not None and value >= limit


@dataclass(frozen=True)
class Match:
    key: object  # the caller's identifier of the candidate
    score: float


def best_match(
    new: Matter,
    candidates: Iterable[tuple[object, Matter]],
    threshold: float | None = None,
) -> Match | None:
    """The candidate most alike to ``new`` among those about the same matter, or None.
    Candidates with the same category, place and text (an outage brings hundreds of the same
    complaint) are scored once."""
    best: Match | None = None
    known: dict[tuple[str, str, str], tuple[float | None, float]] = {}
    for key, other in candidates:
        seen = (other.category, other.place, other.text)
        if seen not in known:
            limit = threshold_for(new, other) if threshold is None else threshold
            known[seen] = (score(new, other), limit)
        value, limit = known[seen]
        if value is not None and value >= limit and (best is None or value > best.score):
            best = Match(key, value)
    return best


def incident_key(category: str, place: str) -> str:
    """A readable key for an incident: category and normalised place."""
    return f"{category}:{normalise(place)}"[:200]


# --- group-size thresholds (SPEC §4: the group size drives severity) --------------------------

# The grading facts an incident's size feeds (tousu.cases.services.grading.case_facts).
COUNT_FACTS = frozenset({"complainant_count", "households", "same_matter_month"})


def _least_count(op: str, value: object) -> int | None:
    """The smallest whole count that satisfies ``op value``, or None for other operators."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return None
    try:
        limit = Decimal(str(value))
    except ArithmeticError:
        return None
    if op == "at_least":
        return max(int(limit.to_integral_value(rounding=ROUND_CEILING)), 0)
    if op == "more_than":
        return max(int(limit.to_integral_value(rounding=ROUND_FLOOR)) + 1, 0)
    return None


def _counts_only(rule: RuleLike) -> bool:
    return any(c.fact in COUNT_FACTS for c in rule.conditions) and all(
        c.fact in COUNT_FACTS or c.fact == "category" for c in rule.conditions
    )


@dataclass(frozen=True)
class SizeRules:
    """What a pack's grading rules make of an incident's counts, computed once per pack.

    ``thresholds``: per count fact, the counts at which some rule's condition starts to hold;
    a grade can change on a join only when a count reaches one of them. ``rules``: the rules
    that read nothing but counts (and the category), so one evaluation serves every member of
    the incident. ``mixed``: whether some rule also reads a case's own facts, so that the
    members must each be graded in full when a threshold is crossed."""

    thresholds: Mapping[str, frozenset[int]]
    rules: tuple[RuleLike, ...]
    mixed: bool

    def crossed(self, before: Mapping[str, int], after: Mapping[str, int]) -> bool:
        """Did some count go from below a threshold to at or above it?"""
        return any(
            before.get(fact, 0) < t <= after.get(fact, 0)
            for fact, ts in self.thresholds.items()
            for t in ts
        )


def size_rules(rules: Iterable[RuleLike]) -> SizeRules:
    """The incident thresholds and count-only rules of a pack's grading rules."""
    found: dict[str, set[int]] = {}
    counts_only: list[RuleLike] = []
    mixed = False
    for rule in rules:
        reads_counts = False
        for c in rule.conditions:
            if c.fact not in COUNT_FACTS:
                continue
            reads_counts = True
            least = _least_count(c.op, c.value)
            if least is not None:
                found.setdefault(c.fact, set()).add(least)
        if reads_counts and _counts_only(rule):
            counts_only.append(rule)
        elif reads_counts:
            mixed = True
    return SizeRules({f: frozenset(ts) for f, ts in found.items()}, tuple(counts_only), mixed)
