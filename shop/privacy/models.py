"""Consents given (and withdrawn) and requests about personal data, kept as proof of both
(Decree 13/2023/NĐ-CP: 5 years after withdrawal or handling, see the privacy page)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    ACCOUNT = "account", _("Buyer's account")
    ORDER = "order", _("Delivering an order")
    PRODUCER = "producer", _("Producer's application")
    NEWS = "news", _("News of followed producers by e-mail")


class Method(models.TextChoices):
    REGISTRATION = "registration", _("Registration form")
    CHECKOUT = "checkout", _("Checkout")
    APPLICATION = "application", _("Producer application form")
    ACCOUNT = "account", _("Account page")


class Consent(models.Model):
    """One consent as given: to what (purpose, text version and its hash), when, by whom (an
    account, or a guest's e-mail) and how (which form; the order or application it came with)."""

    purpose = models.CharField(_("Purpose"), max_length=16, choices=Purpose.choices)
    version = models.CharField(_("Text version"), max_length=16)
    text_hash = models.CharField(_("Text hash (SHA-256)"), max_length=64)
    given_at = models.DateTimeField(_("Given"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        related_name="consents",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    email = models.CharField(_("E-mail"), max_length=254, blank=True)
    method = models.CharField(_("How"), max_length=16, choices=Method.choices)
    reference = models.CharField(_("Order or application"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("Withdrawn"), null=True, blank=True)
    withdrawal = models.ForeignKey(
        "privacy.PrivacyRequest",
        verbose_name=_("Withdrawn by request"),
        related_name="consents_withdrawn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("Consent")
        verbose_name_plural = _("Consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(user__isnull=True, email=""), name="consent_has_a_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Data download")
    ERASURE = "erasure", _("Erasure")
    WITHDRAWAL = "withdrawal", _("Consent withdrawal")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")


OPEN_REQUEST_STATES = (RequestState.RECEIVED, RequestState.WAITING)


class PrivacyRequest(models.Model):
    """A person's request about their data: when it came, its deadline
    (PRIVACY_REQUEST_DEADLINE_HOURS), where it stands (and why it waits), who handled it."""

    kind = models.CharField(_("Request"), max_length=16, choices=RequestKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        related_name="privacy_requests",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Who asked, as shown in the register; once the account is erased, its number only.
    subject = models.CharField(_("Who asked"), max_length=254)
    received_at = models.DateTimeField(_("Received"), default=timezone.now, db_index=True)
    deadline_at = models.DateTimeField(_("Deadline"))
    state = models.CharField(
        _("State"), max_length=16, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    handled_at = models.DateTimeField(_("Handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Handled by"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    outcome = models.JSONField(_("What was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Personal data request")
        verbose_name_plural = _("Personal data requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # One erasure at a time per account: a second request finds the first.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="erasure", state__in=["received", "waiting"]),
                name="one_open_erasure_per_account",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline_at"], name="privacy_request_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    def waiting_reasons(self) -> list[str]:
        """Why an erasure waits, in the reader's language (from ``outcome["waiting"]``)."""
        waiting = (self.outcome or {}).get("waiting") or {}
        reasons = []
        if waiting.get("orders"):
            reasons.append(
                _("Orders still on their way: %(numbers)s")
                % {"numbers": ", ".join(waiting["orders"])}
            )
        if waiting.get("complaints"):
            reasons.append(
                _("Complaints still open: %(references)s")
                % {"references": ", ".join(waiting["complaints"])}
            )
        if waiting.get("origin"):
            reasons.append(
                _("The person recorded origin events: an operator carries the erasure out.")
            )
        return reasons

    @property
    def is_overdue(self) -> bool:
        now = self.handled_at or timezone.now()
        return now > self.deadline_at
