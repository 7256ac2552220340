"""CPU seconds of processes on this machine, read from /proc (so PostgreSQL must run here):
the benchmarks report the database's share of the work beside their own."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far; NaN if it is gone or not here."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICK


def backend_pid() -> int:
    """The PostgreSQL backend serving Django's default connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def backend_cpu() -> float:
    """CPU seconds used so far by the backend of Django's connection (parallel workers not
    included)."""
    return process_cpu(backend_pid())
