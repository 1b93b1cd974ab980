from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("province", "0002_buyer_bitsets"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutcomesDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True)),
                ("placed", models.IntegerField(default=0)),
                ("counted", models.IntegerField(default=0)),
                ("succeeded", models.IntegerField(default=0)),
                ("failed", models.IntegerField(default=0)),
                ("gmv", models.DecimalField(decimal_places=0, default=0, max_digits=16)),
            ],
            options={
                "verbose_name": "Order outcomes of a day",
            },
        ),
    ]
