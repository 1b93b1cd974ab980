"""Accounts made before profiles existed get one (in the site's language); new accounts get
theirs as they are saved (shop.accounts.receivers)."""

from django.conf import settings
from django.db import migrations


def profiles_create(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("accounts", "Profile")
    missing = User.objects.filter(profile__isnull=True).values_list("pk", flat=True)
    Profile.objects.bulk_create(
        [Profile(user_id=pk, language=settings.LANGUAGE_CODE) for pk in missing.iterator()],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(profiles_create, migrations.RunPython.noop)]
