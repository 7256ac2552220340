"""Full-text indexes over Case.search_text (jieba-segmented words separated by spaces):
a GIN index on PostgreSQL, an FTS5 table with triggers on SQLite (see fulltext_schema.py)."""

from django.db import migrations

from tousu.cases.fulltext_schema import drop_fulltext, ensure_fulltext


def _up(apps, schema_editor):
    ensure_fulltext(schema_editor.connection)


def _down(apps, schema_editor):
    drop_fulltext(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(_up, _down)]
