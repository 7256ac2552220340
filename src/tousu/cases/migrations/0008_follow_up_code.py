from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_attachment"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="follow_up_code_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
