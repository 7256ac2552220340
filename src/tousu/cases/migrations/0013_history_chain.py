"""The events' hash chain (SPEC §8; ``tousu.rules.history``): ``Event.digest`` and
``Event.prev_digest``, ``Case.history_digest`` (the digest of the case's newest event).

Existing events are sealed here exactly as ``record`` seals new ones: one stream over the
events in (case, id) order (a server-side cursor on PostgreSQL), each case's chain finished
before the next begins, so that memory does not grow with the table. The digests go back
in chunks: on PostgreSQL by COPY into a temporary table and one ``UPDATE … FROM`` per chunk
(bench/migrate_bench.py: 1,000,000 events), on SQLite by plain UPDATEs.
"""

from django.db import migrations, models

from tousu.rules.history import Content, digest

CHUNK = 5000  # events read per round trip and written per UPDATE

_COLUMNS = ("id", "case_id", "kind", "actor_id", "at", "before", "after", "reason", "data")


def seal_existing(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("cases", "Event")
    write = _Writer(schema_editor.connection)
    events = Event.objects.order_by("case_id", "id").values_list(*_COLUMNS)
    sealed: list[tuple[int, str, str]] = []  # (event id, digest, previous digest)
    latest: list[tuple[int, str]] = []  # (case id, digest of its newest event)
    case_id, previous = None, ""
    for event_id, case, *content in events.iterator(chunk_size=CHUNK):
        if case != case_id:
            if case_id is not None:
                latest.append((case_id, previous))
            case_id, previous = case, ""
        link = digest(Content(case, *content), previous)
        sealed.append((event_id, link, previous))
        previous = link
        if len(sealed) >= CHUNK:
            write(Event, ("digest", "prev_digest"), sealed)
            write(Case, ("history_digest",), latest)
            sealed, latest = [], []
    if case_id is not None:
        latest.append((case_id, previous))
    write(Event, ("digest", "prev_digest"), sealed)
    write(Case, ("history_digest",), latest)


class _Writer:
    """Writes chunks of rows (id, *values) into ``columns`` of a model's table."""

    def __init__(self, connection):
        self.connection = connection
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE sealed_chunk (id bigint PRIMARY KEY, "
                    "v1 varchar(64) NOT NULL, v2 varchar(64)) ON COMMIT DROP"
                )

    def __call__(self, model, columns, rows):
        if not rows:
            return
        table = self.connection.ops.quote_name(model._meta.db_table)
        with self.connection.cursor() as cursor:
            if self.connection.vendor != "postgresql":  # SQLite: small databases
                sets = ", ".join(f"{column} = %s" for column in columns)
                values = [(*values, pk) for pk, *values in rows]
                update = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608 - our names
                cursor.executemany(update, values)
                return
            names = [f"v{n}" for n in range(1, len(columns) + 1)]
            cursor.execute("TRUNCATE sealed_chunk")
            with cursor.cursor.copy(
                f"COPY sealed_chunk (id, {', '.join(names)}) FROM STDIN"
            ) as copy:
                # ids are integers and digests hexadecimal: nothing to escape
                copy.write("".join("\t".join(map(str, row)) + "\n" for row in rows))
            cursor.execute("ANALYZE sealed_chunk")  # else the planner may scan the whole table
            sets = ", ".join(f"{c} = s.{n}" for c, n in zip(columns, names, strict=True))
            update = f"UPDATE {table} SET {sets} FROM sealed_chunk s WHERE {table}.id = s.id"  # noqa: S608
            cursor.execute(update)  # the table and column names are this module's


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_list_order_indexes")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="history_digest",
            field=models.CharField(blank=True, default="", db_default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event",
            name="digest",
            field=models.CharField(blank=True, default="", db_default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_digest",
            field=models.CharField(blank=True, default="", db_default="", max_length=64),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
