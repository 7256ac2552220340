"""Case numbers: ``YYYYMM`` (Asia/Shanghai month) + a 6-digit serial that never repeats; and
the id a new case's row will have.

The serial row is incremented with one upsert inside the intake transaction: concurrent intakes
queue on the row lock (PostgreSQL) or the write lock (SQLite), and a failed intake rolls its
increment back, so no number is consumed by a case that was not saved.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection

SHANGHAI = ZoneInfo("Asia/Shanghai")


def month_of(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y%m")


def next_case_number(at: datetime) -> str:
    month = month_of(at)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_caseserial (month, last) VALUES (%s, 1) "
            "ON CONFLICT (month) DO UPDATE SET last = cases_caseserial.last + 1 RETURNING last",
            [month],
        )
        (serial,) = cursor.fetchone()
    return f"{month}{serial:06d}"


def next_case_id() -> int:
    """The id the case being registered will have, taken before its row is written: its
    first event's digest covers the case id, so the row can then be inserted with that digest
    instead of being updated right after (an UPDATE writes a new version of the row and of
    its index entries). PostgreSQL: the id sequence; SQLite: the rowid it would pick itself
    (the largest + 1), safe because intake holds the write lock (IMMEDIATE transactions)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        else:
            cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_case")
        (pk,) = cursor.fetchone()
    return int(pk)
