"""Case numbers: ``YYYYMM`` (Asia/Shanghai month) + a 6-digit serial that never repeats.

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
