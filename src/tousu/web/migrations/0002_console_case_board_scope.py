"""The dashboard index also carries an agent's scope (who registered the case, which centre
took it in), so an agent's open and overdue counts are answered from the index as well."""

from django.db import migrations

SQL = (
    "CREATE INDEX IF NOT EXISTS console_case_board_scope ON cases_case (status, pack, severity) "
    "INCLUDE (id, overdue, next_due_at, first_owner_id, intake_unit_id)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)
        schema_editor.execute("DROP INDEX IF EXISTS console_case_board")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS console_case_board ON cases_case "
            "(status, pack, severity) INCLUDE (id, overdue, next_due_at)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS console_case_board_scope")


class Migration(migrations.Migration):
    dependencies = [("web", "0001_console_indexes")]

    operations = [migrations.RunPython(create, drop)]
