"""Incidents keep their household count beside ``size`` (distinct complainants), so that a
join counts one case in instead of counting the members; an index for the same-matter
candidates read at intake (pack, category, newest first)."""

from django.db import migrations, models


def _household_of(phone, email, address, household, customer_id):
    """As ``tousu.cases.incidents.household_key`` (copied: migrations do not import app code)."""
    if household and household.strip():
        return f"household:{household.strip()}"
    for kind, value in (("phone", phone), ("email", email), ("address", address)):
        if value and value.strip():
            return f"{kind}:{value.strip().lower()}"
    return f"customer:{customer_id}"


def count_households(apps, schema_editor):
    Incident = apps.get_model("cases", "Incident")
    Case = apps.get_model("cases", "Case")
    found: dict[int, set[str]] = {}
    rows = (
        Case.objects.filter(incident__isnull=False)
        .exclude(status__in=("invalid", "withdrawn"))
        .values_list(
            "incident_id", "customer__phone", "customer__email", "customer__address",
            "customer__household", "customer_id",
        )
    )  # fmt: skip
    for incident_id, *customer in rows.iterator():
        found.setdefault(incident_id, set()).add(_household_of(*customer))
    for incident_id, households in found.items():
        Incident.objects.filter(pk=incident_id).update(households=max(len(households), 1))


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
