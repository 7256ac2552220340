"""Installed packs: store each loaded version, and serve the active one per code.

Parsed packs and the rows of active versions are cached per stored version (a row never
changes but for its ``active`` flag), so a request costs no YAML parsing, and at most one
indexed read of the active version's id per pack a second: another process's activation
(``tousu load-pack``) is used by this one within ``ACTIVE_ID_SECONDS``, this process's own at
once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from tousu.packs.loader import PackError, builtin_pack_paths, load_pack_text
from tousu.packs.models import PackVersion
from tousu.packs.schema import Pack
from tousu.rules.errors import ErrorCode, ValidationFailed

_parsed: dict[int, Pack] = {}
_rows: dict[int, PackVersion] = {}  # the active versions' rows read so far
ACTIVE_ID_SECONDS = 1.0
_active_ids: dict[str, tuple[int | None, float]] = {}  # code -> (id, time.monotonic() until)


@dataclass(frozen=True)
class ActivePack:
    pack: Pack
    version: PackVersion


def install_pack_text(text: str, filename: str) -> PackVersion:
    """Validate and install a pack; the previous version stays active if validation fails."""
    pack = load_pack_text(text, filename)  # raises PackError naming file, line and field
    with transaction.atomic():
        existing = PackVersion.objects.filter(code=pack.code, checksum=pack.checksum).first()
        PackVersion.objects.filter(code=pack.code, active=True).exclude(
            pk=existing.pk if existing else None
        ).update(active=False)
        if existing:
            if not existing.active:
                existing.active = True
                existing.save(update_fields=["active"])
            _active_ids.pop(pack.code, None)
            return existing
        row = PackVersion.objects.create(
            code=pack.code,
            version=pack.version,
            checksum=pack.checksum,
            source_text=text,
            filename=Path(filename).name,
            active=True,
        )
    _parsed.pop(row.pk, None)  # a new row may reuse a rolled-back row's id (tests)
    _rows.pop(row.pk, None)
    _active_ids.pop(pack.code, None)
    return row


def install_pack_file(path: str | Path) -> PackVersion:
    path = Path(path)
    return install_pack_text(path.read_text(encoding="utf-8"), str(path))


def install_builtin_packs() -> list[PackVersion]:
    return [install_pack_file(p) for p in builtin_pack_paths() if p.exists()]


def version_row(pk: int) -> PackVersion:
    """Pack version ``pk``'s row, read once per process: a version's text never changes (its
    ``active`` flag does, and is not to be read from here)."""
    row = _rows.get(pk)
    if row is None:
        row = _rows[pk] = PackVersion.objects.get(pk=pk)
    return row


def pack_of_version(row: PackVersion) -> Pack:
    if row.pk not in _parsed:
        _parsed[row.pk] = load_pack_text(row.source_text, row.filename)
    return _parsed[row.pk]


def _active_id(code: str) -> int | None:
    """The id of pack ``code``'s active version: one indexed read of one column at most once
    a second (the rows themselves never change), so that another process's activation is
    seen soon without a query per request."""
    held = _active_ids.get(code)
    now = time.monotonic()
    if held is not None and now < held[1]:
        return held[0]
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_ID_SQL, [code])
        found = cursor.fetchone()
    pk = found[0] if found else None
    _active_ids[code] = (pk, now + ACTIVE_ID_SECONDS)
    return pk


def forget_active_ids() -> None:
    """Read every pack's active version again at its next use (tests: a rolled-back
    transaction takes installed versions with it)."""
    _active_ids.clear()


_ACTIVE_ID_SQL = "SELECT id FROM packs_packversion WHERE code = %s AND active ORDER BY id LIMIT 1"


def active_pack(code: str, field: str = "pack") -> ActivePack:
    """The active version of pack ``code``; ValidationFailed naming ``field`` if none."""
    pk = _active_id(code)
    row = _rows.get(pk) if pk is not None else None
    if row is None and pk is not None:
        # its source text is read once per process (it is large)
        row = _rows[pk] = PackVersion.objects.filter(pk=pk).first()
    if row is None:
        known = sorted(PackVersion.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed.one(
            field,
            f"unknown pack '{code}'; installed packs: {', '.join(known) or 'none'}",
            ErrorCode.UNKNOWN,
        )
    return ActivePack(pack_of_version(row), row)


def active_packs() -> list[ActivePack]:
    return [
        ActivePack(pack_of_version(r), r)
        for r in PackVersion.objects.filter(active=True).order_by("code")
    ]


__all__ = [
    "ActivePack",
    "PackError",
    "active_pack",
    "active_packs",
    "install_builtin_packs",
    "install_pack_file",
    "install_pack_text",
    "pack_of_version",
]
