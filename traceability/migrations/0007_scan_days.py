"""Scans count once per visitor and day: earlier scans get the day they were made (Vietnam's
date). Lot heads are append-only in the database, as events and proofs are (see 0002)."""

from zoneinfo import ZoneInfo

from django.db import migrations, models

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TABLE = "traceability_lothead"


def days(apps, schema_editor):
    LotScan = apps.get_model("traceability", "LotScan")
    for scan in LotScan.objects.filter(day__isnull=True).iterator():
        LotScan.objects.filter(pk=scan.pk).update(day=scan.created_at.astimezone(HANOI).date())


def heads_append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION traceability_append_only()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are append-only'); END"
        )


def heads_append_only_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


class Migration(migrations.Migration):
    dependencies = [("traceability", "0006_origin_v2")]

    operations = [
        migrations.RunPython(days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lotscan", name="day", field=models.DateField(verbose_name="Day")
        ),
        migrations.RunPython(heads_append_only, heads_append_only_drop),
    ]
