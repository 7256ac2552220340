"""Incidents keep their household count beside ``size`` (distinct complainants), so that a
join counts one case in instead of counting the members; an index for the same-matter
candidates read at intake (pack, category, newest first)."""

from django.db import migrations, models

CHUNK = 5000  # rows read per round trip, incidents written per UPDATE


def _household_of(phone, email, address, household, customer_id):
    """As ``tousu.cases.incidents.household_key`` (copied: migrations do not import app code)."""
    if household and household.strip():
        return f"household:{household.strip()}"
    for kind, value in (("phone", phone), ("email", email), ("address", address)):
        if value and value.strip():
            return f"{kind}:{value.strip().lower()}"
    return f"customer:{customer_id}"


def count_households(apps, schema_editor):
    """One stream over the live member cases in incident order (a server-side cursor on
    PostgreSQL); each incident's households are counted when its rows end, and only counts
    above the column's default (1) are written, a chunk at a time. The keys are worked out
    in Python, not SQL: ``str.strip``/``lower`` are not ``btrim``/``lower`` (U+3000, the
    full-width space of Chinese input methods, is whitespace to the one and not the other)."""
    Case = apps.get_model("cases", "Case")
    Incident = apps.get_model("cases", "Incident")
    rows = (
        Case.objects.filter(incident__isnull=False)
        .exclude(status__in=("invalid", "withdrawn"))
        .order_by("incident_id")
        .values_list(
            "incident_id", "customer__phone", "customer__email", "customer__address",
            "customer__household", "customer_id",
        )
    )  # fmt: skip
    counts: list[tuple[int, int]] = []
    current, households = None, set()
    for incident_id, *customer in rows.iterator(chunk_size=CHUNK):
        if incident_id != current:
            if len(households) > 1:
                counts.append((current, len(households)))
            current, households = incident_id, set()
            if len(counts) >= CHUNK:
                _write(schema_editor.connection, Incident, counts)
                counts = []
        households.add(_household_of(*customer))
    if len(households) > 1:
        counts.append((current, len(households)))
    _write(schema_editor.connection, Incident, counts)


def _write(connection, model, counts):
    """Set ``households`` of the incidents in ``counts`` ((id, count) pairs): one UPDATE."""
    if not counts:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, values = zip(*counts, strict=True)
            update = (
                f"UPDATE {table} SET households = v.households "  # noqa: S608 - our table name
                "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, households) "
                f"WHERE {table}.id = v.id"
            )
            cursor.execute(update, [list(ids), list(values)])
        else:  # SQLite: small databases
            values = [(households, pk) for pk, households in counts]
            update = f"UPDATE {table} SET households = %s WHERE id = %s"  # noqa: S608
            cursor.executemany(update, values)


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_history_chain")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="households",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["pack", "category", "-received_at"], name="case_pack_category_received"
            ),
        ),
        migrations.RunPython(count_households, migrations.RunPython.noop),
    ]
