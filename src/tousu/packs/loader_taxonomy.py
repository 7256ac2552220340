"""Reading the naming sections of a pack: request types, routing keys, positions, the
category tree, the severity and escalation ladders, responsibility classes and validity."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import yaml

from tousu.packs import schema as s
from tousu.packs.loader_rules import Refs
from tousu.packs.yaml_reader import MapView, Reader

_T = TypeVar("_T")


def _unique(r: Reader, v: MapView, code: str, seen: set[str], what: str) -> None:
    if code in seen:
        raise r.fail(v.need("code"), v.at("code"), f"duplicate {what} code '{code}'")
    seen.add(code)


def read_request_types(r: Reader, node: yaml.Node, path: str) -> tuple[s.RequestTypeInfo, ...]:
    """A list of codes, or of {code, name, definition, source} where the pack defines them."""
    found: list[s.RequestTypeInfo] = []
    for item_path, item in r.items(node, path):
        if isinstance(item, yaml.ScalarNode):
            code = r.ref(item, item_path, s.REQUEST_TYPES, "request type")
            info = s.RequestTypeInfo(code, code, "", "")
        else:
            v = r.mapping(item, item_path, ("code", "name", "definition", "source"))
            info = s.RequestTypeInfo(
                code=v.ref("code", s.REQUEST_TYPES, "request type"),
                name=v.text("name"),
                definition=v.text("definition"),
                source=v.text("source"),
            )
        if info.code in {x.code for x in found}:
            raise r.fail(item, item_path, f"request type '{info.code}' is listed twice")
        found.append(info)
    if not found:
        raise r.fail(node, path, "list at least one request type")
    return tuple(found)


def read_routing_keys(r: Reader, node: yaml.Node, path: str) -> tuple[s.RoutingKey, ...]:
    """``routing_keys: {engineering: 工程部, …}``: code -> Chinese label."""
    view = r.mapping(node, path, None)
    keys = tuple(
        s.RoutingKey(r.code(view.key_node(k), view.at(k)), view.text(k)) for k in view.fields()
    )
    if not keys:
        raise r.fail(node, path, "declare at least one routing key")
    return keys


def read_positions(r: Reader, node: yaml.Node, path: str) -> tuple[s.Position, ...]:
    """``positions: {general_manager: {name: 总经理, role: manager, scope: organisation}}``."""
    view = r.mapping(node, path, None)
    found: list[s.Position] = []
    for key in view.fields():
        code = r.code(view.key_node(key), view.at(key))
        p = view.sub(key, ("name", "role", "scope"))
        found.append(
            s.Position(
                code=code,
                name=p.text("name"),
                role=p.ref("role", s.ROLES, "role"),
                scope=p.opt_ref("scope", s.SCOPES, "scope") or "unit",
            )
        )
    return tuple(found)


_CATEGORY_FIELDS = ("code", "name", "parent", "route", "description", "keywords", "source")
KEYWORD_MAX = 12  # characters: a keyword is a word or short phrase, not a sentence


def _keywords(r: Reader, v: MapView) -> tuple[str, ...]:
    """``keywords: [电梯, 困人]``: short Chinese words typical of the category; no repeats."""
    found: list[str] = []
    for item_path, item in v.items("keywords", required=False):
        word = r.text(item, item_path)
        if len(word) > KEYWORD_MAX or any(ch.isspace() for ch in word):
            raise r.fail(
                item,
                item_path,
                f"'{word}' is not a keyword: write one word or short phrase of at most "
                f"{KEYWORD_MAX} characters, without spaces",
            )
        if word in found:
            raise r.fail(item, item_path, f"keyword '{word}' is listed twice")
        found.append(word)
    return tuple(found)


def read_categories(r: Reader, node: yaml.Node, path: str, refs: Refs) -> tuple[s.Category, ...]:
    """A flat list; ``parent`` names another entry. Children without ``source`` inherit it."""
    views: list[MapView] = []
    seen: set[str] = set()
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _CATEGORY_FIELDS)
        _unique(r, v, v.code("code"), seen, "category")
        views.append(v)
    by_code = {v.code("code"): v for v in views}
    for v in views:
        parent = v.opt_text("parent")
        if parent is not None and parent not in by_code:
            raise r.fail(
                v.need("parent"),
                v.at("parent"),
                f"parent '{parent}' is not a category of this pack",
            )
        _refuse_cycle(r, v, by_code)
    return tuple(_category(v, by_code, refs) for v in views)


def _refuse_cycle(r: Reader, v: MapView, by_code: dict[str, MapView]) -> None:
    trail = [v.code("code")]
    current: MapView | None = v
    while current is not None and (parent := current.opt_text("parent")) is not None:
        if parent in trail:
            raise r.fail(
                v.need("parent"),
                v.at("parent"),
                "parent chain loops: " + " -> ".join([*trail, parent]),
            )
        trail.append(parent)
        current = by_code.get(parent)


def _category(v: MapView, by_code: dict[str, MapView], refs: Refs) -> s.Category:
    source = v.opt_text("source")
    ancestor = v
    while source is None and (parent := ancestor.opt_text("parent")) is not None:
        ancestor = by_code[parent]
        source = ancestor.opt_text("source")
    if source is None:
        source = v.text("source")  # raises "is required" on the top-level entry
    return s.Category(
        code=v.code("code"),
        name=v.text("name"),
        parent=v.opt_text("parent"),
        route=v.opt_ref("route", refs.routing_keys, "routing key"),
        source=source,
        description=v.opt_text("description", "") or "",
        keywords=_keywords(v.r, v),
    )


_LADDER_FIELDS = ("code", "name", "rank", "definition", "source")


def read_ladder(
    r: Reader,
    node: yaml.Node | None,
    path: str,
    what: str,
    make: Callable[[str, str, int, str, str], _T],
) -> tuple[_T, ...]:
    """Severity or escalation ladder: listed from least to most serious, ranks rising."""
    if node is None:
        return ()
    found: list[_T] = []
    seen: set[str] = set()
    last_rank: int | None = None
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _LADDER_FIELDS)
        code, rank = v.code("code"), v.integer("rank")
        _unique(r, v, code, seen, what)
        if last_rank is not None and rank <= last_rank:
            raise r.fail(
                v.need("rank"),
                v.at("rank"),
                f"ranks must rise strictly down the "
                f"list (least serious first): {rank} follows {last_rank}",
            )
        last_rank = rank
        found.append(make(code, v.text("name"), rank, v.text("definition"), v.text("source")))
    return tuple(found)


_CLASS_FIELDS = ("code", "name", "definition", "validity", "source")


def read_responsibility(
    r: Reader, node: yaml.Node | None, path: str, validity: s.ValidityPolicy
) -> tuple[s.ResponsibilityClass, ...]:
    """class1..class3; a class may suggest ``assist`` only if the pack defines assist."""
    allowed = s.VALIDITIES if validity.assist is not None else ("valid", "invalid")
    if node is None:
        return ()
    found: list[s.ResponsibilityClass] = []
    seen: set[str] = set()
    for item_path, item in r.items(node, path):
        v = r.mapping(item, item_path, _CLASS_FIELDS)
        code = v.ref("code", s.RESPONSIBILITY_CLASSES, "responsibility class")
        _unique(r, v, code, seen, "responsibility class")
        found.append(
            s.ResponsibilityClass(
                code=code,
                name=v.text("name"),
                definition=v.text("definition"),
                validity=v.ref("validity", allowed, "validity"),
                source=v.text("source"),
            )
        )
    return tuple(found)


_REASON_FIELDS = ("code", "name", "definition", "malicious", "source")
_BAR_FIELDS = ("code", "name", "months", "categories", "reason", "source")
_VALIDITY_FIELDS = ("valid", "assist", "reasons", "time_bars", "source")


def _reasons(r: Reader, v: MapView) -> tuple[s.InvalidReason, ...]:
    found: list[s.InvalidReason] = []
    seen: set[str] = set()
    for item_path, item in v.items("reasons"):
        rv = r.mapping(item, item_path, _REASON_FIELDS)
        code = rv.code("code")
        _unique(r, rv, code, seen, "invalid reason")
        found.append(
            s.InvalidReason(
                code=code,
                name=rv.text("name"),
                definition=rv.text("definition"),
                malicious=rv.boolean("malicious", False),
                source=rv.opt_text("source") or v.text("source"),
            )
        )
    return tuple(found)


def _time_bars(r: Reader, v: MapView, reasons: set[str], refs: Refs) -> tuple[s.TimeBar, ...]:
    found: list[s.TimeBar] = []
    seen: set[str] = set()
    for item_path, item in v.items("time_bars", required=False):
        b = r.mapping(item, item_path, _BAR_FIELDS)
        code = b.code("code")
        _unique(r, b, code, seen, "time bar")
        found.append(
            s.TimeBar(
                code=code,
                name=b.text("name"),
                months=b.integer("months", minimum=1),
                categories=frozenset(b.refs("categories", refs.categories, "category")),
                reason=b.ref("reason", reasons, "invalid reason"),
                source=b.text("source"),
            )
        )
    return tuple(found)


def read_validity(r: Reader, node: yaml.Node, path: str, refs: Refs) -> s.ValidityPolicy:
    v = r.mapping(node, path, _VALIDITY_FIELDS)
    reasons = _reasons(r, v)
    return s.ValidityPolicy(
        valid=v.text("valid"),
        assist=v.opt_text("assist"),
        reasons=reasons,
        time_bars=_time_bars(r, v, {x.code for x in reasons}, refs),
        source=v.text("source"),
    )


_FOLLOW_UP_FIELDS = ("required_for", "within", "by", "dissatisfied_reopens", "source")


def read_follow_up(r: Reader, node: yaml.Node, path: str, refs: Refs) -> s.FollowUpPolicy:
    v = r.mapping(node, path, _FOLLOW_UP_FIELDS)
    return s.FollowUpPolicy(
        required_for=frozenset(v.refs("required_for", refs.request_types, "request type")),
        within=v.duration("within"),
        source=v.text("source"),
        by=v.opt_ref("by", refs.positions, "position"),
        dissatisfied_reopens=v.boolean("dissatisfied_reopens", True),
    )
