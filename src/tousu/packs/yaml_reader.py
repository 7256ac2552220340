"""Typed reading of PyYAML nodes, so every refusal names the file, line and field.

The loader works on the composed node tree (``yaml.compose``) rather than on plain Python
values: nodes keep ``start_mark.line``, which is what lets an error point at the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from decimal import Decimal, InvalidOperation

import yaml

from tousu.rules.durations import Duration

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"


class PackError(Exception):
    """A pack file is not valid: ``str(e)`` is ``file:line: field: problem``."""

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(f"{file}:{line}: {field}: {problem}")


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing (null)"
    return f"'{node.value}'"


class Reader:
    """Reads values out of nodes for one file; every failure raises PackError."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, node: yaml.Node | None, path: str, problem: str) -> PackError:
        return PackError(self.file, line_of(node) if node is not None else None, path, problem)

    def mapping(self, node: yaml.Node, path: str, fields: Collection[str] | None) -> MapView:
        return MapView(self, node, path, fields)

    def items(self, node: yaml.Node, path: str) -> Iterator[tuple[str, yaml.Node]]:
        """Elements of a list, each with its own path (``categories[3]``)."""
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, path, f"expected a list, found {_kind(node)}")
        for index, item in enumerate(node.value):
            yield f"{path}[{index}]", item

    def scalar(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
            raise self.fail(node, path, f"expected a value, found {_kind(node)}")
        return str(node.value)

    def text(self, node: yaml.Node, path: str) -> str:
        value = self.scalar(node, path).strip()
        if not value:
            raise self.fail(node, path, "must not be empty")
        return value

    def code(self, node: yaml.Node, path: str) -> str:
        value = self.scalar(node, path)
        if not CODE_RE.match(value):
            raise self.fail(
                node,
                path,
                f"'{value}' is not a code: use lower-case ASCII "
                "letters, digits and underscores, starting with a letter",
            )
        return value

    def ref(self, node: yaml.Node, path: str, allowed: Collection[str], what: str) -> str:
        value = self.scalar(node, path)
        if value not in allowed:
            known = ", ".join(sorted(allowed)) or "none declared"
            raise self.fail(node, path, f"unknown {what} '{value}' (known: {known})")
        return value

    def boolean(self, node: yaml.Node, path: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL_TAG:
            raise self.fail(node, path, f"expected true or false, found {_kind(node)}")
        return str(node.value).lower() in ("true", "yes", "on", "y")

    def integer(self, node: yaml.Node, path: str, minimum: int = 0) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT_TAG:
            raise self.fail(node, path, f"expected a whole number, found {_kind(node)}")
        value = int(str(node.value).replace("_", ""))
        if value < minimum:
            word = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise self.fail(node, path, f"{value} {word}")
        return value

    def amount(self, node: yaml.Node, path: str) -> Decimal:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT_TAG, _FLOAT_TAG):
            raise self.fail(node, path, f"expected an amount in yuan, found {_kind(node)}")
        try:
            value = Decimal(str(node.value).replace("_", ""))
        except InvalidOperation:
            raise self.fail(node, path, f"'{node.value}' is not an amount") from None
        if value < 0:
            raise self.fail(node, path, f"{value} must not be negative")
        return value

    def duration(self, node: yaml.Node, path: str) -> Duration:
        try:
            return Duration.parse(self.scalar(node, path))
        except ValueError as exc:
            raise self.fail(node, path, str(exc)) from None

    def time_of_day(self, node: yaml.Node, path: str) -> dt.time:
        # Quoting matters: unquoted 17:00 is a YAML 1.1 base-60 integer, so read the raw text.
        value = self.scalar(node, path)
        match = _TIME_RE.match(value)
        if not match:
            raise self.fail(
                node, path, f"'{value}' is not a time of day: write HH:MM, e.g. \"17:00\""
            )
        return dt.time(int(match.group(1)), int(match.group(2)))

    def codes(
        self, node: yaml.Node, path: str, allowed: Collection[str] | None = None, what: str = "code"
    ) -> tuple[str, ...]:
        """A list of codes, each checked against ``allowed`` when given; no repeats."""
        seen: list[str] = []
        for item_path, item in self.items(node, path):
            value = (
                self.ref(item, item_path, allowed, what)
                if allowed is not None
                else self.code(item, item_path)
            )
            if value in seen:
                raise self.fail(item, item_path, f"'{value}' is listed twice")
            seen.append(value)
        return tuple(seen)


class MapView:
    """One YAML mapping whose keys must all be in ``fields`` (None: any key); typed look-ups."""

    def __init__(
        self, reader: Reader, node: yaml.Node, path: str, fields: Collection[str] | None
    ) -> None:
        if not isinstance(node, yaml.MappingNode):
            raise reader.fail(
                node, path or "(file)", f"expected a mapping of fields, found {_kind(node)}"
            )
        self.r = reader
        self.node = node
        self.path = path
        self._keys: dict[str, yaml.Node] = {}
        self._values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = reader.scalar(key_node, self.at("(key)"))
            if key in self._keys:
                raise reader.fail(key_node, self.at(key), "field given twice")
            if fields is not None and key not in fields:
                known = ", ".join(sorted(fields))
                raise reader.fail(
                    key_node, self.at(key), f"unknown field '{key}' (allowed here: {known})"
                )
            self._keys[key] = key_node
            self._values[key] = value_node

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self._values

    def fields(self) -> list[str]:
        return list(self._values)

    def key_node(self, key: str) -> yaml.Node:
        return self._keys[key]

    def value_node(self, key: str) -> yaml.Node:
        return self._values[key]

    def get(self, key: str) -> yaml.Node | None:
        """The value node, or None when absent or written as null."""
        node = self._values.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG):
            return None
        return node

    def need(self, key: str) -> yaml.Node:
        node = self.get(key)
        if node is None:
            where = self._keys.get(key, self.node)
            raise self.r.fail(where, self.at(key), "is required")
        return node

    # Shorthands: the field's own path and node are passed on to the reader.
    def text(self, key: str) -> str:
        return self.r.text(self.need(key), self.at(key))

    def opt_text(self, key: str, default: str | None = None) -> str | None:
        node = self.get(key)
        return default if node is None else self.r.text(node, self.at(key))

    def code(self, key: str) -> str:
        return self.r.code(self.need(key), self.at(key))

    def ref(self, key: str, allowed: Collection[str], what: str) -> str:
        return self.r.ref(self.need(key), self.at(key), allowed, what)

    def opt_ref(self, key: str, allowed: Collection[str], what: str) -> str | None:
        node = self.get(key)
        return None if node is None else self.r.ref(node, self.at(key), allowed, what)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        node = self.get(key) if default is not None else self.need(key)
        if node is None:
            assert default is not None
            return default
        return self.r.boolean(node, self.at(key))

    def integer(self, key: str, minimum: int = 0) -> int:
        return self.r.integer(self.need(key), self.at(key), minimum)

    def opt_integer(self, key: str, minimum: int = 0) -> int | None:
        node = self.get(key)
        return None if node is None else self.r.integer(node, self.at(key), minimum)

    def duration(self, key: str) -> Duration:
        return self.r.duration(self.need(key), self.at(key))

    def opt_duration(self, key: str) -> Duration | None:
        node = self.get(key)
        return None if node is None else self.r.duration(node, self.at(key))

    def opt_amount(self, key: str) -> Decimal | None:
        node = self.get(key)
        return None if node is None else self.r.amount(node, self.at(key))

    def refs(self, key: str, allowed: Collection[str], what: str) -> tuple[str, ...]:
        node = self.get(key)
        return () if node is None else self.r.codes(node, self.at(key), allowed, what)

    def items(self, key: str, required: bool = True) -> Iterator[tuple[str, yaml.Node]]:
        node = self.need(key) if required else self.get(key)
        return iter(()) if node is None else self.r.items(node, self.at(key))

    def sub(self, key: str, fields: Collection[str]) -> MapView:
        return MapView(self.r, self.need(key), self.at(key), fields)

    def opt_sub(self, key: str, fields: Collection[str]) -> MapView | None:
        node = self.get(key)
        return None if node is None else MapView(self.r, node, self.at(key), fields)
