from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Side effects of committed changes (e-mails, follow-up tasks), kept in the database until
    a worker has carried them out, so a broker outage delays them and loses none."""

    name = "shop.outbox"
    label = "outbox"
    verbose_name = _("Outbox")
