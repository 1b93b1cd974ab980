"""Applications to sell on Chợ Phiên, their documents and what operators decided."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from payments.banks import bank_by_bin
from shop import geo
from shop.onboarding.storage import document_path, private_storage
from shop.partner.models import ACCOUNT_NUMBER, ProducerKind
from shop.partner.tax_ids import validate_tax_id


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("More information requested")
    INFO_PROVIDED = "info_provided", _("More information provided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Operators decide on an application only while it waits for them.
DECIDABLE = (Status.SUBMITTED, Status.INFO_PROVIDED)


class Application(models.Model):
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    kind = models.CharField(_("Producer type"), max_length=16, choices=ProducerKind.choices)
    name = models.CharField(_("Name of the household, cooperative or enterprise"), max_length=128)
    representative = models.CharField(_("Representative"), max_length=128)
    phone = models.CharField(_("Phone number"), max_length=16)
    email = models.EmailField(_("E-mail"))
    province_code = models.PositiveSmallIntegerField(_("Province"))
    ward_code = models.PositiveIntegerField(_("Commune"))
    registration_number = models.CharField(
        _("Cooperative or business registration number"), max_length=32, blank=True
    )
    # Required by the form (shop/partner/tax_ids.py: households may give a personal ID number);
    # blank only on applications made before it was asked.
    tax_id = models.CharField(
        _("Tax code or personal ID number"),
        max_length=14,
        blank=True,
        validators=[validate_tax_id],
    )
    payout_bank_bin = models.CharField(_("Bank"), max_length=6)
    payout_account_number = models.CharField(
        _("Account number"), max_length=19, validators=[ACCOUNT_NUMBER]
    )
    payout_account_holder = models.CharField(_("Account holder"), max_length=64)
    products = models.TextField(_("What you produce"))
    language = models.CharField(_("Language"), max_length=8, default="vi")
    partner = models.OneToOneField(
        "partner.Partner",
        verbose_name=_("Producer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )
    created_at = models.DateTimeField(_("Submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Producer application")
        verbose_name_plural = _("Producer applications")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_decidable(self) -> bool:
        return self.status in DECIDABLE

    @property
    def location_label(self) -> str:
        units = (geo.ward(self.ward_code), geo.province(self.province_code))
        return ", ".join(u.name for u in units if u is not None)

    @property
    def bank(self):
        return bank_by_bin(self.payout_bank_bin)


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("File"), storage=private_storage, upload_to=document_path)
    original_name = models.CharField(_("File name"), max_length=255)
    content_type = models.CharField(_("Type"), max_length=32)
    size = models.PositiveIntegerField(_("Size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("Supporting document")
        verbose_name_plural = _("Supporting documents")

    def __str__(self) -> str:
        return self.original_name


class Action(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    ASK = "ask", _("Asked for more information")


class Decision(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Operator"),
        on_delete=models.PROTECT,
        related_name="application_decisions",
    )
    action = models.CharField(_("Decision"), max_length=8, choices=Action.choices)
    message = models.TextField(_("Message"), blank=True)
    created_at = models.DateTimeField(_("Decided at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Decision")
        verbose_name_plural = _("Decisions")
        constraints = [
            # One approval per application, whatever races the database sees.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(action="approve"),
                name="onboarding_one_approval_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.application_id}"


class Reply(models.Model):
    """The applicant's answer to a request for more information."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="replies")
    message = models.TextField(_("Answer"))
    created_at = models.DateTimeField(_("Answered at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Applicant's answer")
        verbose_name_plural = _("Applicant's answers")

    def __str__(self) -> str:
        return f"#{self.application_id} {self.created_at:%Y-%m-%d}"
