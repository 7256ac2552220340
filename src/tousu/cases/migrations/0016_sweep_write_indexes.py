"""Fewer indexes to write on the rows the SLA sweep changes (docs/benchmarks.md, "SLA sweep").

Every case the sweep marks overdue and every work order it looks at is rewritten with a new
entry in each of the table's indexes, and each event it records adds one to each of its table's.
Dropped here, each one a duplicate of another index:

- ``cases_event(case_id)``: ``event_case_id`` is (case_id, id);
- ``cases_case(pack)`` and its ``varchar_pattern_ops`` twin: ``case_pack_received`` and
  ``case_pack_category_received`` start with ``pack``, and nothing searches packs by prefix;
- ``cases_case(intake_unit_id)``: ``case_intake_unit_status`` starts with it;
- ``cases_case(number varchar_pattern_ops)``: for ``LIKE 'x%'``, which no query uses (the
  unique index serves every look-up by number);
- ``cases_workorder(unit_id)``: ``wo_unit_status`` starts with it;
- ``console_wo_unit_case`` (web/0001, PostgreSQL): ``wo_unit_status`` now INCLUDEs ``case_id``
  itself, the same index under the model's name (SQLite ignores INCLUDE).
"""

import django.db.models.deletion
from django.db import migrations, models

NUMBER_LIKE = (
    "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' "
    "AND indexdef LIKE '%%(number varchar_pattern_ops)%%'"
)


def drop_postgres_duplicates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(NUMBER_LIKE)
        names = [name for (name,) in cursor.fetchall()]
    for name in [*names, "console_wo_unit_case"]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_postgres_duplicates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_case_number_like ON cases_case "
        "(number varchar_pattern_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS console_wo_unit_case ON cases_workorder "
        "(unit_id, status) INCLUDE (case_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_console_shows_in_the_view_log"),
        ("org", "0003_unit_head"),
        ("web", "0002_console_case_board_scope"),  # its console_wo_unit_case is dropped here
    ]

    operations = [
        migrations.RemoveIndex(model_name="workorder", name="wo_unit_status"),
        migrations.AlterField(
            model_name="case",
            name="intake_unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="intake_cases",
                to="org.unit",
            ),
        ),
        migrations.AlterField(
            model_name="case", name="pack", field=models.CharField(max_length=40)
        ),
        migrations.AlterField(
            model_name="event",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="workorder",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="org.unit",
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["unit", "status"], include=("case",), name="wo_unit_status"),
        ),
        migrations.RunPython(drop_postgres_duplicates, restore_postgres_duplicates),
    ]
