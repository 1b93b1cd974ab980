"""The Official Account's tokens, and every notification meant for Zalo: sent, or handed over
to e-mail (and why), for operators (Django admin, "Zalo messages")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ZnsToken(models.Model):
    """The OA's current access and refresh tokens, one row per Zalo application. Zalo's
    refresh token works once, so the pair it gives back replaces this one."""

    app_id = models.CharField(max_length=64, unique=True)
    access_token = models.TextField()
    refresh_token = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Zalo token")
        verbose_name_plural = _("Zalo tokens")

    def __str__(self) -> str:
        return f"Zalo application {self.app_id}"


class ZnsMessage(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent by Zalo")
        FELL_BACK = "fell_back", _("Sent by e-mail instead")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    template = models.CharField(_("Notification"), max_length=100)
    phone = models.CharField(_("Phone number"), max_length=16)
    email = models.CharField(_("E-mail"), max_length=254, blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    zns_template_id = models.CharField(_("ZNS template"), max_length=32, blank=True)
    tracking_id = models.CharField(max_length=64, blank=True)
    msg_id = models.CharField(_("Zalo message id"), max_length=64, blank=True)
    error_code = models.IntegerField(_("Zalo error code"), null=True, blank=True)
    reason = models.CharField(_("Reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Zalo message")
        verbose_name_plural = _("Zalo messages")

    def __str__(self) -> str:
        return f"{self.template} → {self.phone} ({self.status})"
