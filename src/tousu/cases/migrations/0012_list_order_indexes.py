"""An index for the case list's ``overdue=false`` at 100,000 cases (PostgreSQL only; see
``tousu.cases.queries.ordering_of`` and bench/README.md).

``case_open_due_order`` holds the list's "due" order as one key (a case without a deadline
sorts at ``queries.FAR_DUE``), over cases not flagged overdue. ``overdue=false`` is then a
range of this index starting now, instead of a walk of ``case_next_due`` past every past-due
case. Plain SQL because it is a partial expression index whose constant must be spelt as the
query spells it; SQLite, the demo database, skips it.
"""

from django.db import migrations

INDEXES = {
    "case_open_due_order": "CREATE INDEX IF NOT EXISTS case_open_due_order ON cases_case "
    "((COALESCE(next_due_at, '9999-12-31 00:00:00+00'::timestamptz)), number) WHERE NOT overdue",
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
    dependencies = [("cases", "0011_personal_data_view")]

    operations = [migrations.RunPython(create, drop)]
