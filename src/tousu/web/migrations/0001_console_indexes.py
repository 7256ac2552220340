"""Covering indexes for the console's dashboard and a handler's pages (PostgreSQL only).

The dashboard counts open and overdue cases by status and groups them by pack and severity; a
handler's every page limits cases to those their unit holds work orders for. At 100,000 cases
those queries scanned the whole case table (~2 KB a row). With these indexes PostgreSQL answers
them from the index alone (index-only scans): see bench/console_bench.py and
docs/benchmarks.md. They are plain SQL (not model ``Meta.indexes``) because they INCLUDE
columns; SQLite, the demo database, skips them.
"""

from django.db import migrations

INDEXES = {
    "console_case_board": "CREATE INDEX IF NOT EXISTS console_case_board ON cases_case "
    "(status, pack, severity) INCLUDE (id, overdue, next_due_at)",
    "console_wo_unit_case": "CREATE INDEX IF NOT EXISTS console_wo_unit_case ON cases_workorder "
    "(unit_id, status) INCLUDE (case_id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXES.values():
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_statutory_reply_until")]

    operations = [migrations.RunPython(create, drop)]
