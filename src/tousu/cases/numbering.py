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


def number_and_id(at: datetime) -> tuple[str, int]:
    """The number of the case being registered and the id its row will have, both taken
    before the row is written: its first event's digest covers the case id, so the row is
    inserted with that digest instead of being updated right after (an UPDATE writes a new
    version of the row and of its index entries). PostgreSQL: one statement (the month's
    serial and the id sequence); SQLite: the rowid it would pick itself (the largest + 1),
    safe because intake holds the write lock (IMMEDIATE transactions)."""
    month = month_of(at)
    upsert = (
        "INSERT INTO cases_caseserial (month, last) VALUES (%s, 1) "
        "ON CONFLICT (month) DO UPDATE SET last = cases_caseserial.last + 1 RETURNING last"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            next_id = "nextval(pg_get_serial_sequence('cases_case', 'id'))"
            cursor.execute(f"{upsert}, {next_id}", [month])
            serial, pk = cursor.fetchone()
        else:
            cursor.execute(upsert, [month])
            (serial,) = cursor.fetchone()
            cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_case")
            (pk,) = cursor.fetchone()
    return f"{month}{serial:06d}", int(pk)
