"""Full-text indexes over Case.search_text (jieba-segmented words separated by spaces).

PostgreSQL: a GIN index on to_tsvector('simple', search_text).
SQLite: an FTS5 table with triggers keeping it in step with cases_case.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE cases_case_fts USING fts5(search_text, content='cases_case', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER cases_case_fts_ai AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_case_fts_ad AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_case_fts_au AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS cases_case_fts_au",
    "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_ai",
    "DROP TABLE IF EXISTS cases_case_fts",
]
POSTGRES_UP = [
    "CREATE INDEX cases_case_search_gin ON cases_case "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS cases_case_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
