"""The attempt keeps one opaque gateway reference (what its adapter needs for `query`) instead
of a Stripe session id; the method's name is no longer limited to fixed choices."""

from datetime import timedelta, timezone

from django.db import migrations, models

VNPAY_TZ = timezone(timedelta(hours=7))


def vnpay_references(apps, schema_editor):
    """VNPay's query needs the payment's vnp_CreateDate: what its adapter now keeps."""
    PaymentAttempt = apps.get_model("payments", "PaymentAttempt")
    for attempt in PaymentAttempt.objects.filter(method="vnpay", gateway_reference="").iterator():
        attempt.gateway_reference = attempt.created_at.astimezone(VNPAY_TZ).strftime("%Y%m%d%H%M%S")
        attempt.save(update_fields=["gateway_reference"])


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_refund_partner")]

    operations = [
        migrations.RenameField(
            model_name="paymentattempt", old_name="gateway_session_id", new_name="gateway_reference"
        ),
        migrations.AlterField(
            model_name="paymentattempt",
            name="method",
            field=models.CharField(max_length=16, verbose_name="Method"),
        ),
        migrations.RunPython(vnpay_references, migrations.RunPython.noop),
    ]
