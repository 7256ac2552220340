"""Writing rows without the ORM's statement building: thousands at once for the sweep (inserts
and per-row updates), and the single INSERT that every case, customer and event takes
(``insert_row``).

On PostgreSQL, inserts go through ``COPY`` with ids taken from the table's sequence first (so
the caller still knows each row's id), and updates are one ``UPDATE … FROM unnest(…)``
statement bound on the server, with one array per column. Django's ``bulk_create`` and
``bulk_update`` quote every value in Python and, for ``bulk_update``, build a CASE
expression per field and row; at ten thousand rows that is most of a sweep's time. Other
databases use the ORM (``bulk_create``) and one prepared UPDATE per row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)


def insert(model: type[Model], rows: Sequence[Any]) -> None:
    """Insert ``rows`` and set their ``pk``. A row is an unsaved instance, or any object with
    the model's column attributes (``case_id``, ``kind``…)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        instances = [
            row
            if isinstance(row, model)
            else model(**{f.attname: getattr(row, f.attname) for f in fields})
            for row in rows
        ]
        model._default_manager.bulk_create(instances)
        for row, instance in zip(rows, instances, strict=True):
            row.pk = instance.pk
        return
    table = model._meta.db_table
    names = ", ".join(_quote(c) for c in ["id", *(f.column for f in fields)])
    with _server_cursor() as cursor:
        with _logged(f"SELECT nextval … {len(rows)} ids for {table}"):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        sql = f"COPY {_quote(table)} ({names}) FROM STDIN"
        values = attrgetter("pk", *(f.attname for f in fields))  # one call a row
        encoders = [(i, f.encoder) for i, f in enumerate(fields, 1) if isinstance(f, JSONField)]
        with _logged(f"{sql} … {len(rows)} rows"), cursor.copy(sql) as copy:
            for row in rows:
                line = list(values(row))
                for i, encoder in encoders:
                    line[i] = _json(line[i], encoder)
                copy.write_row(line)
    for row in rows:
        if isinstance(row, Model):
            row._state.adding = False


def insert_row(row: Model) -> None:
    """Insert one new row (its ``pk`` given, or set from the database), as ``save(force_insert=
    True)`` does but with the statement written once per model: on PostgreSQL Django builds an
    INSERT of a case's ~50 columns afresh each time and psycopg parses its placeholders again
    (more than 50 parameters are not cached), ~1 ms of CPU per intake of its ~5. Values the
    ORM would pass on unchanged (text, whole numbers, aware times, ids) are passed as they
    are; the others are converted by their field as the ORM converts them. No model here
    listens to save signals. Other databases: the ORM."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``connection.x`` is a thread-local lookup
    if db.vendor != "postgresql":
        row.save(force_insert=True)
        return
    model, with_pk = type(row), row.pk is not None
    sql, plan = _insert_statement(model, with_pk)
    values = []
    for field, plain in plan:
        value = getattr(row, field.attname)
        if type(value) in plain or (value is None and field.null):
            if type(value) is datetime and value.tzinfo is None:
                value = field.get_db_prep_save(value, db)  # naive: the ORM's warning and zone
        else:
            value = field.get_db_prep_save(field.pre_save(row, True), db)
        values.append(value)
    db.ensure_connection()
    with psycopg.RawCursor(db.connection) as cursor, _logged(sql):
        cursor.execute(sql, values)
        if not with_pk:
            (row.pk,) = cursor.fetchone()  # type: ignore[misc]
    row._state.adding = False
    row._state.db = db.alias


# The Python types a field's values keep on their way to PostgreSQL (get_db_prep_save returns
# them unchanged); fields that set their own value (auto_now…) or convert it are not listed.
_PLAIN_TYPES: tuple[tuple[type[Field], tuple[type, ...]], ...] = (
    (BooleanField, (bool,)),
    (IntegerField, (int,)),  # also the auto ids, big, small and positive ones
    (CharField, (str,)),
    (TextField, (str,)),
    (DateTimeField, (datetime,)),
)


def _plain_types(field: Any) -> tuple[type, ...]:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return ()
    if isinstance(field, ForeignKey):
        return (int,) if isinstance(field.target_field, IntegerField) else ()
    return next((plain for kind, plain in _PLAIN_TYPES if isinstance(field, kind)), ())


@cache
def _insert_statement(model: type[Model], with_pk: bool) -> tuple[str, list[tuple[Any, tuple]]]:
    """``INSERT … VALUES ($1, …)`` of the model's columns (with ``id`` when the caller gives
    it, else ``RETURNING id``), which psycopg's raw cursor sends as written, and each column's
    field with the types passed on as they are."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    names = ", ".join(_quote(f.column) for f in fields)
    slots = ", ".join(f"${i}" for i in range(1, len(fields) + 1))
    returning = "" if with_pk else " RETURNING id"
    table = _quote(model._meta.db_table)
    plan = [(f, _plain_types(f)) for f in fields]
    return f"INSERT INTO {table} ({names}) VALUES ({slots}){returning}", plan  # noqa: S608


def update(model: type[Model], rows: Sequence[Model], names: Sequence[str]) -> None:
    """Save the fields ``names`` of every row in ``rows``."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    table = _quote(model._meta.db_table)
    if connection.vendor != "postgresql":
        assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
        params = [
            [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
            for row in rows
        ]
        with connection.cursor() as cursor:  # names come from the model; values are bound
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)  # noqa: S608
        return
    if any(isinstance(f, JSONField) for f in fields):
        _update_values(table, rows, fields)
        return
    # One array per column: the statement stays short whatever the number of rows, so neither
    # psycopg nor the server parses thousands of placeholders.
    arrays = ", ".join(["%s::bigint[]", *(f"%s::{f.cast_db_type(connection)}[]" for f in fields)])
    columns = ", ".join(["id", *(_quote(f.column) for f in fields)])
    assignments = ", ".join(f"{_quote(f.column)} = v.{_quote(f.column)}" for f in fields)
    source = f"unnest({arrays}) AS v({columns})"
    sql = f"UPDATE {table} AS t SET {assignments} FROM {source} WHERE t.id = v.id"  # noqa: S608
    params = [[row.pk for row in rows]]
    params += [[getattr(row, f.attname) for row in rows] for f in fields]
    with _server_cursor() as cursor, _logged(f"UPDATE {table} … {len(rows)} rows"):
        cursor.execute(sql, params)


def _update_values(table: str, rows: Sequence[Model], fields: Sequence[Any]) -> None:
    """The same as one ``UPDATE … FROM (VALUES …)`` (JSON values do not travel as arrays)."""
    casts = ", ".join(["%s::bigint", *(f"%s::{f.cast_db_type(connection)}" for f in fields)])
    values = ", ".join([f"({casts})"] * len(rows))
    columns = ", ".join(["id", *(_quote(f.column) for f in fields)])
    assignments = ", ".join(f"{_quote(f.column)} = v.{_quote(f.column)}" for f in fields)
    source = f"(VALUES {values}) AS v({columns})"
    sql = f"UPDATE {table} AS t SET {assignments} FROM {source} WHERE t.id = v.id"  # noqa: S608
    params = [v for row in rows for v in [row.pk, *(getattr(row, f.attname) for f in fields)]]
    with _server_cursor() as cursor, _logged(f"UPDATE {table} … {len(rows)} rows"):
        cursor.execute(sql, params)


def _server_cursor() -> psycopg.Cursor[Any]:
    """A cursor on Django's connection (same transaction) that binds values on the server."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


@contextmanager
def _logged(sql: str) -> Iterator[None]:
    """Record the statement like Django's debug cursor does, so query counts stay honest."""
    started = time.monotonic()
    try:
        yield
    finally:
        if connection.queries_logged:
            elapsed = time.monotonic() - started
            connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})


def _json(value: Any, encoder: type[json.JSONEncoder] | None) -> str:
    if not value and isinstance(value, dict):
        return "{}"  # most events' before/after: skip the encoder
    return json.dumps(value, cls=encoder, ensure_ascii=False)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
