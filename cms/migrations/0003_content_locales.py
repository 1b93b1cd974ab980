"""Every content language gets a locale, and English follows the Vietnamese tree.

With the synchronisation, a page created in Vietnamese appears at once in English (as an alias
of the Vietnamese page) until someone translates it, so the language switch always lands on the
same page.
"""

from django.conf import settings
from django.db import migrations


def ensure_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    LocaleSynchronization = apps.get_model("wagtail_localize", "LocaleSynchronization")
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in codes}
    source = locales.get(settings.LANGUAGE_CODE)
    if source is None:
        return
    for code, locale in locales.items():
        if code != settings.LANGUAGE_CODE:
            LocaleSynchronization.objects.get_or_create(
                locale=locale, defaults={"sync_from": source}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_content_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(ensure_locales, migrations.RunPython.noop)]
