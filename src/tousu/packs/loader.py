"""YAML pack file -> validated ``Pack``. Every refusal names file, line and field.

    >>> pack = load_pack_file("src/tousu/packs/data/property.yaml")   # doctest: +SKIP
    >>> pack.route_for("elevator")                                      # doctest: +SKIP
    'engineering'

The text is composed into PyYAML nodes (not loaded into plain values) so each node keeps its
line; the section readers live in ``loader_taxonomy``, ``loader_rules``, ``loader_money`` and
``loader_scripts``. Pure: no Django, no clock; the only I/O is reading the file.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

from tousu.packs import schema as s
from tousu.packs.loader_money import (
    read_analysis,
    read_compensation,
    read_emergency_levels,
    read_intake,
)
from tousu.packs.loader_rules import Refs, read_grading, read_reporting, read_sla
from tousu.packs.loader_scripts import read_scripts
from tousu.packs.loader_taxonomy import (
    read_categories,
    read_follow_up,
    read_ladder,
    read_positions,
    read_request_types,
    read_responsibility,
    read_routing_keys,
    read_validity,
)
from tousu.packs.yaml_reader import MapView, PackError, Reader

__all__ = [
    "PackError",
    "builtin_pack_paths",
    "load_builtin_packs",
    "load_pack_file",
    "load_pack_text",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN_CODES = ("property", "telecom", "logistics", "retail", "internet", "bank")

_TOP_FIELDS = (
    "code",
    "name",
    "version",
    "source",
    "description",
    "request_types",
    "routing_keys",
    "routing_default",
    "positions",
    "categories",
    "severities",
    "default_severity",
    "escalation_levels",
    "responsibility_classes",
    "validity",
    "grading",
    "reporting",
    "follow_up",
    "appeal_window",
    "confirmation_required",
    "rejection_limit",
    "sla",
    "compensation",
    "emergency_levels",
    "intake",
    "analysis",
    "scripts",
)


def _compose(text: str, filename: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise PackError(filename, line, "(syntax)", f"YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PackError(filename, None, "(syntax)", f"YAML error: {exc}") from None
    if root is None:
        raise PackError(filename, 1, "(file)", "the file is empty")
    return root


def _base_refs(
    r: Reader, top: MapView
) -> tuple[Refs, tuple[s.RequestTypeInfo, ...], tuple[s.RoutingKey, ...], tuple[s.Position, ...]]:
    request_types = read_request_types(r, top.need("request_types"), "request_types")
    routing = read_routing_keys(r, top.need("routing_keys"), "routing_keys")
    positions = read_positions(r, top.need("positions"), "positions")
    refs = Refs(
        request_types=tuple(t.code for t in request_types),
        routing_keys=frozenset(k.code for k in routing),
        positions=frozenset(p.code for p in positions),
    )
    return refs, request_types, routing, positions


def _ladders(
    r: Reader, top: MapView
) -> tuple[tuple[s.Severity, ...], tuple[s.EscalationLevel, ...]]:
    severities = read_ladder(r, top.need("severities"), "severities", "severity", s.Severity)
    if not severities:
        raise r.fail(top.need("severities"), "severities", "list at least one severity")
    levels = read_ladder(
        r, top.get("escalation_levels"), "escalation_levels", "escalation level", s.EscalationLevel
    )
    return severities, levels


def _rejection_limit(r: Reader, top: MapView, confirmation: bool) -> int:
    limit = top.integer("rejection_limit")
    if confirmation and limit < 1:
        raise r.fail(
            top.need("rejection_limit"),
            "rejection_limit",
            "must be at least 1 when confirmation_required is true",
        )
    return limit


def _build(r: Reader, top: MapView, text: str) -> s.Pack:
    # Identity first, so a nearly empty file is told about code/name before anything else.
    code, name, version, source = (
        top.code("code"),
        top.text("name"),
        top.text("version"),
        top.text("source"),
    )
    refs, request_info, routing, positions = _base_refs(r, top)
    categories = read_categories(r, top.need("categories"), "categories", refs)
    severities, levels = _ladders(r, top)
    refs = Refs(
        refs.request_types,
        refs.routing_keys,
        refs.positions,
        categories=frozenset(c.code for c in categories),
        severities=tuple(x.code for x in severities),
        levels=frozenset(x.code for x in levels),
    )
    validity = read_validity(r, top.need("validity"), "validity", refs)
    confirmation = top.boolean("confirmation_required")
    return s.Pack(
        code=code,
        name=name,
        version=version,
        source=source,
        description=top.opt_text("description", "") or "",
        request_types=refs.request_types,
        request_type_info=request_info,
        routing_keys=routing,
        positions=positions,
        categories=categories,
        routing_default=top.opt_ref("routing_default", refs.routing_keys, "routing key"),
        severities=severities,
        escalation_levels=levels,
        default_severity=top.ref("default_severity", refs.severities, "severity"),
        responsibility_classes=read_responsibility(
            r, top.get("responsibility_classes"), "responsibility_classes", validity
        ),
        validity=validity,
        invalid_reasons=MappingProxyType({x.code: x.name for x in validity.reasons}),
        grading=read_grading(r, top.get("grading"), "grading", refs),
        reporting=read_reporting(r, top.get("reporting"), "reporting", refs),
        follow_up=read_follow_up(r, top.need("follow_up"), "follow_up", refs),
        appeal_window=top.opt_duration("appeal_window"),
        confirmation_required=confirmation,
        rejection_limit=_rejection_limit(r, top, confirmation),
        sla=read_sla(r, top.need("sla"), "sla", refs),
        compensation=read_compensation(r, top.get("compensation"), "compensation", refs),
        emergency_levels=read_emergency_levels(
            r, top.get("emergency_levels"), "emergency_levels", refs
        ),
        intake=read_intake(r, top.need("intake"), "intake"),
        analysis=read_analysis(r, top.get("analysis"), "analysis"),
        scripts=read_scripts(r, top.get("scripts"), "scripts", refs),
        checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


@lru_cache(maxsize=32)
def load_pack_text(text: str, filename: str) -> s.Pack:
    """Parse and validate one pack; ``filename`` is only used in error messages. The same
    text is parsed once per process (a Pack is immutable): installing a stored version again
    and reading it back, as every test and every new process does, costs ~0.1 s a pack."""
    reader = Reader(filename)
    root = _compose(text, filename)
    return _build(reader, reader.mapping(root, "", _TOP_FIELDS), text)


def load_pack_file(path: str | Path) -> s.Pack:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), None, "(file)", f"cannot read the file: {exc}") from None
    return load_pack_text(text, str(path))


def builtin_pack_paths() -> list[Path]:
    """The six industry packs shipped with tousu, in a fixed order."""
    return [DATA_DIR / f"{code}.yaml" for code in BUILTIN_CODES]


def load_builtin_packs() -> dict[str, s.Pack]:
    packs = (load_pack_file(p) for p in builtin_pack_paths())
    return {pack.code: pack for pack in packs}
