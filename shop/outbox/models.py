"""One row per side effect to carry out: which task, with which ids, and how it went."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Written in the same transaction as the change it follows; done once its task succeeded.

    `key` says what the side effect is about (``order-email:42:ORDER_PLACED``): the unique
    constraint makes a second request for the same side effect a no-op. A worker claims the
    row for `OUTBOX_LEASE_SECONDS` (`claimed_until`, `claim`) before running the task, so a
    second copy of the message finds it taken or done.
    """

    key = models.CharField(_("Key"), max_length=200, unique=True)
    task = models.CharField(_("Task"), max_length=200)
    kwargs = models.JSONField(_("Arguments"), default=dict)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("Attempts"), default=0)
    claimed_until = models.DateTimeField(_("Claimed until"), null=True, blank=True)
    claim = models.CharField(_("Claimed by"), max_length=64, blank=True)
    last_error = models.TextField(_("Last error"), blank=True)
    done_at = models.DateTimeField(_("Done"), null=True, blank=True)

    class Meta:
        verbose_name = _("Outbox message")
        verbose_name_plural = _("Outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=models.Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.key
