from django.db import migrations, models


class Migration(migrations.Migration):
    """A transferring regulator's or headquarters' deadline replaces the statutory limit."""

    dependencies = [
        ("cases", "0008_follow_up_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="statutory_reply_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
