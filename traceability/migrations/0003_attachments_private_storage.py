"""Lot-event attachments move from public media to the private store: they are downloaded only
through a view that sends them as attachments. Files already stored are copied across under
the same name and removed from public media."""

from django.core.files.storage import default_storage
from django.db import migrations, models

import shop.uploads.storage


def move_to_private(apps, schema_editor):
    EventAttachment = apps.get_model("traceability", "EventAttachment")
    private = shop.uploads.storage.private_storage()
    for name in EventAttachment.objects.values_list("file", flat=True).iterator():
        if not name or not default_storage.exists(name):
            continue
        if not private.exists(name):
            with default_storage.open(name, "rb") as source:
                saved = private.save(name, source)
            if saved != name:  # the name is recorded (append-only): it must not change
                raise RuntimeError(f"could not keep the name of {name}")
        default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("traceability", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="eventattachment",
            name="file",
            field=models.FileField(
                storage=shop.uploads.storage.private_storage,
                upload_to="traceability/%Y/%m/",
                verbose_name="File",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
