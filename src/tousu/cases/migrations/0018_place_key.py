"""Case.place_key: the normalised place incident matching compares, kept at intake so that the
same-matter candidates query leaves out other places itself. Nullable, without a default:
adding it rewrites nothing (older cases keep NULL and are compared in Python as before)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_list_status_category'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='place_key',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
    ]
