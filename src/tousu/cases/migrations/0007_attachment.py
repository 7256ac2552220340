import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_stats_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("original_name", models.CharField(max_length=200)),
                ("stored_path", models.CharField(max_length=300)),
                ("content_type", models.CharField(max_length=60)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("portal", "portal"),
                            ("email", "email"),
                            ("staff", "staff"),
                            ("import", "import"),
                            ("api", "api"),
                        ],
                        max_length=20,
                    ),
                ),
                ("created_at", models.DateTimeField()),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="cases.case",
                    ),
                ),
            ],
            options={"ordering": ["id"]},
        ),
    ]
