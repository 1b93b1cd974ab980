"""Vietnam is the one shipping country: addresses are Vietnamese and the forms do not ask."""

from django.db import migrations


def vietnam(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={
            "iso_3166_1_a3": "VNM",
            "iso_3166_1_numeric": "704",
            "printable_name": "Việt Nam",
            "name": "Việt Nam",
            "display_order": 10,
        },
    )
    if not country.is_shipping_country:
        country.is_shipping_country = True
        country.save(update_fields=["is_shipping_country"])


class Migration(migrations.Migration):
    dependencies = [("address", "0008_vietnamese_units")]

    operations = [migrations.RunPython(vietnam, migrations.RunPython.noop)]
