"""The database side of full-text search, created idempotently.

PostgreSQL keeps a generated ``search_vector`` column (the tsvector of ``search_text``) with a
GIN index; the Django model does not declare it, so SQLite and the ORM never see it.

SQLite keeps an FTS5 table in step with ``cases_case`` through triggers. Django rebuilds a
SQLite table for many schema changes (copy, drop, rename), which silently drops its triggers,
so ``ensure_fulltext`` runs after every ``migrate`` (see ``apps.py``) and rebuilds the index
whenever it had to recreate a trigger.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_fts USING fts5(search_text, "
    "content='cases_case', content_rowid='id', tokenize='unicode61')"
)
SQLITE_TRIGGERS = {
    "cases_case_fts_ai": "AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "cases_case_fts_ad": "AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "cases_case_fts_au": "AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
}
# PostgreSQL stores the tsvector in a generated column, so every write of ``search_text``
# (intake, bulk loads, imports) keeps it current and a search never recomputes it per row; a
# GIN index covers it (an index on the expression came first; migration search_vector
# replaced it).
POSTGRES_COLUMN = (
    "ALTER TABLE cases_case ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
)
POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_case_search_vector ON cases_case USING GIN (search_vector)"
)
POSTGRES_OLD_INDEX = "cases_case_search_gin"


def ensure_fulltext(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_COLUMN)
            cursor.execute(POSTGRES_INDEX)
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_OLD_INDEX}")
            return
        if connection.vendor != "sqlite":
            return
        cursor.execute(SQLITE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        if missing:
            cursor.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")


def drop_fulltext(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS cases_case_search_vector")
            cursor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector")
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_OLD_INDEX}")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS cases_case_fts")
