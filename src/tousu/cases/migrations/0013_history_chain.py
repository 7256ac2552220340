"""The events' hash chain (SPEC §8; ``tousu.rules.history``): ``Event.digest`` and
``Event.prev_digest``, ``Case.history_digest`` (the digest of the case's newest event).

Existing events are sealed here, case by case in event id order, in one pass over the whole
table inside this migration's transaction: fine for the small databases that exist before
this release (thousands of events), slow for millions.
"""

from django.db import migrations, models

from tousu.rules.history import Content, digest

BATCH = 2000


def seal_existing(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("cases", "Event")
    previous: dict[int, str] = {}
    pending = []
    for event in Event.objects.order_by("case_id", "id").iterator(chunk_size=BATCH):
        content = Content(
            event.case_id, event.kind, event.actor_id, event.at,
            event.before, event.after, event.reason, event.data,
        )  # fmt: skip
        event.prev_digest = previous.get(event.case_id, "")
        event.digest = previous[event.case_id] = digest(content, event.prev_digest)
        pending.append(event)
        if len(pending) >= BATCH:
            Event.objects.bulk_update(pending, ["digest", "prev_digest"])
            pending = []
    Event.objects.bulk_update(pending, ["digest", "prev_digest"])
    cases = [Case(pk=pk, history_digest=latest) for pk, latest in previous.items()]
    Case.objects.bulk_update(cases, ["history_digest"], batch_size=BATCH)


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
