"""The console's "show personal data" now writes the same PersonalDataView rows as the API, and
the audit log reads only those; the shows recorded before as case events alone are copied into
the log so that none drops out of it. Events without a user are skipped (a view row needs one)."""

from django.db import migrations

SHOWN = "case.personal_data_viewed"


def copy_console_shows(apps, schema_editor):
    Event = apps.get_model("cases", "Event")
    PersonalDataView = apps.get_model("cases", "PersonalDataView")
    shows = Event.objects.filter(kind=SHOWN, actor__isnull=False).order_by("id")
    batch = []
    for event in shows.iterator(chunk_size=2000):
        batch.append(PersonalDataView(
            at=event.at,
            user_id=event.actor_id,
            case_id=event.case_id,
            fields=list((event.data or {}).get("fields", [])),
            source="console",
            address="",
        ))
        if len(batch) >= 2000:
            PersonalDataView.objects.bulk_create(batch)
            batch = []
    PersonalDataView.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_incident_counts")]

    operations = [migrations.RunPython(copy_console_shows, migrations.RunPython.noop)]
