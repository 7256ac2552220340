"""A cursor for the hot statements written out in SQL: on PostgreSQL their plan is made once
per connection (a prepared statement) instead of at every run.

Django binds values on the client and turns psycopg's statement preparation off, for the sake
of connection poolers. Planning was half of the PostgreSQL CPU of the incident candidates'
query (1.1 → 0.55 ms at 100–200 rows, bench/README.md), which every intake sends. The cursor
is still Django's wrapper: query logging, execute wrappers and error mapping see it.
``TOUSU_PG_PREPARE=0`` turns it off behind a pooler that cannot keep prepared statements
(PgBouncer in transaction mode before 1.21). Elsewhere (SQLite) Django's own cursor.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.db import connection


class _PreparedCursor(psycopg.Cursor[Any]):
    """Binds on the server and prepares every statement it runs (named per connection)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs["prepare"] = True
        result = super().execute(query, params, **kwargs)
        if self._query is None:
            # a run of an already prepared statement leaves no query behind, and Django's
            # debug log (query counts in tests) reads the statement from there
            self._query = self._convert_query(query, params)
        return result


# Django sets psycopg's threshold to None, which turns even an explicit ``prepare=True`` off;
# a threshold no statement reaches keeps automatic preparation off and allows the explicit one
# (Django's own cursors bind on the client and never prepare).
_EXPLICIT_ONLY = 2**31 - 1


def cursor() -> Any:
    if connection.vendor != "postgresql" or not settings.TOUSU_PG_PREPARE:
        return connection.cursor()
    connection.ensure_connection()
    pg = connection.connection
    if pg.prepare_threshold is None:
        pg.prepare_threshold = _EXPLICIT_ONLY
    return connection._prepare_cursor(_PreparedCursor(pg))
