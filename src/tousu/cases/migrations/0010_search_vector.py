"""Full text on PostgreSQL: a stored tsvector column (generated from ``search_text``) with its
own GIN index replaces the index on the expression, so a search no longer recomputes the
tsvector of every row it tests. SQLite keeps its FTS5 table. See fulltext_schema.py."""

from django.db import migrations

from tousu.cases.fulltext_schema import drop_fulltext, ensure_fulltext


def _up(apps, schema_editor):
    ensure_fulltext(schema_editor.connection)


def _down(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":  # back to migration 0003's expression index
        drop_fulltext(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS cases_case_search_gin ON cases_case "
                "USING GIN (to_tsvector('simple'::regconfig, search_text))"
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_statutory_reply_until")]

    operations = [migrations.RunPython(_up, _down)]
