"""Producers: households, cooperatives and OCOP enterprises, each an Oscar partner."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord
from oscar.core.loading import get_class

from shop import geo
from shop.channels import Channel
from shop.money import MONEY
from shop.partner.tax_ids import validate_tax_id

# NAPAS account numbers: 6 to 19 digits.
ACCOUNT_NUMBER = RegexValidator(
    r"^[0-9]{6,19}$", _("An account number is 6 to 19 digits, without spaces or letters.")
)


class ProducerKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    COOPERATIVE = "cooperative", _("Cooperative")
    ENTERPRISE = "enterprise", _("OCOP enterprise")


class PartnerQuerySet(models.QuerySet):
    def on_floor(self):
        """Producers buyers may see: public and not suspended. A suspended producer's public
        page, follow button and sitemap entry are gone like a hidden one's, until reinstated."""
        return self.filter(is_public=True, suspended_at__isnull=True)


class Partner(AbstractPartner):
    kind = models.CharField(
        _("Producer type"),
        max_length=16,
        choices=ProducerKind.choices,
        default=ProducerKind.HOUSEHOLD,
    )
    province_code = models.PositiveSmallIntegerField(_("Province"), null=True, blank=True)
    ward_code = models.PositiveIntegerField(_("Commune"), null=True, blank=True)
    # Where carriers pick parcels up: the unit above, and this house number and street.
    street = models.CharField(_("House number and street"), max_length=255, blank=True)
    # The carrier a shipment goes with unless the producer picks another (settings.CARRIERS).
    default_carrier = models.CharField(_("Carrier"), max_length=16, blank=True)
    story = models.TextField(_("Story"), blank=True)
    is_public = models.BooleanField(_("Public"), default=True)
    cash_on_delivery = models.BooleanField(_("Accepts cash on delivery"), default=True)

    # Contact, as given in the producer's application.
    representative = models.CharField(_("Representative"), max_length=128, blank=True)
    phone = models.CharField(_("Phone number"), max_length=16, blank=True)
    email = models.EmailField(_("E-mail"), blank=True)
    # What the producer reads: e-mails, statements and Zalo messages come in this language.
    language = models.CharField(
        _("Language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notify_channel = models.CharField(
        _("Messages by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    registration_number = models.CharField(
        _("Cooperative or business registration number"), max_length=32, blank=True
    )
    # Who the tax authority knows the seller as: a tax code (10 digits, or 10-3 for a unit) or,
    # for a household or an individual, the 12-digit personal ID number that serves as its tax
    # code. The floor withholds VAT and PIT for households (shop/settlements/tax.py).
    tax_id = models.CharField(
        _("Tax code or personal ID number"),
        max_length=14,
        blank=True,
        validators=[validate_tax_id],
    )

    # Each producer ships separately and sets its own rates (see shop/shipping).
    shipping_same_province = models.DecimalField(
        _("Shipping within the province"), default=Decimal(25000), **MONEY
    )
    shipping_elsewhere = models.DecimalField(
        _("Shipping to other provinces"), default=Decimal(40000), **MONEY
    )
    free_shipping_threshold = models.DecimalField(
        _("Free shipping from"),
        null=True,
        blank=True,
        help_text=_("Goods from this producer worth at least this much ship free."),
        **MONEY,
    )

    # What the marketplace keeps (see shop/settlements); empty means the marketplace's rate.
    commission_rate = models.DecimalField(
        _("Commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("A fraction: 0.0800 is 8 %. Empty: the marketplace's rate."),
    )

    # Where settlements are paid: a Vietnamese bank account reachable through NAPAS (VietQR).
    payout_bank_bin = models.CharField(_("Bank"), max_length=6, blank=True)
    payout_account_number = models.CharField(
        _("Account number"), max_length=19, blank=True, validators=[ACCOUNT_NUMBER]
    )
    payout_account_holder = models.CharField(_("Account holder"), max_length=64, blank=True)

    # A suspended producer's users lose every producer page at once (shop.roles); operators
    # suspend and reinstate (shop/producers/services.py), and who did it is kept.
    suspended_at = models.DateTimeField(_("Suspended at"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Suspended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suspension_reason = models.CharField(_("Reason for the suspension"), max_length=255, blank=True)
    reinstated_at = models.DateTimeField(_("Reinstated at"), null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Reinstated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Buyers' verified reviews of its products (approved ones), kept by the reviews services.
    rating = models.FloatField(_("Rating"), null=True, blank=True, editable=False)
    reviews_count = models.PositiveIntegerField(_("Reviews"), default=0, editable=False)

    objects = PartnerQuerySet.as_manager()

    class Meta(AbstractPartner.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(shipping_same_province__gte=0) & Q(shipping_elsewhere__gte=0),
                name="partner_shipping_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__isnull=True)
                | Q(commission_rate__gte=0, commission_rate__lte=1),
                name="partner_commission_rate_fraction",
            ),
        ]

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_on_floor(self) -> bool:
        """Whether buyers may see this producer's page (see PartnerQuerySet.on_floor)."""
        return self.is_public and self.suspended_at is None

    @property
    def location_label(self) -> str:
        """Commune and province, named in the page's language."""
        return geo.place_label(ward_code=self.ward_code, province_code=self.province_code)

    def get_absolute_url(self) -> str:
        return reverse("producers:detail", kwargs={"code": self.code})


class Follow(models.Model):
    """A buyer follows a producer: told (at most weekly) when it lists something new or a
    season opens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="follows", on_delete=models.CASCADE
    )
    partner = models.ForeignKey(Partner, related_name="followers", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.partner_id}"


class FollowNews(models.Model):
    """Something a producer's followers hear of in their next digest: a new product went
    public (an operator approved the listing), or a product's season opened (its producer
    restocked it after it had had nothing to sell for FOLLOW_SEASON_GAP_DAYS days)."""

    class Kind(models.TextChoices):
        NEW = "new", _("New product")
        SEASON = "season", _("Back in season")

    partner = models.ForeignKey(Partner, related_name="news", on_delete=models.CASCADE)
    product = models.ForeignKey(
        "catalogue.Product", related_name="follow_news", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A product is new once.
            models.UniqueConstraint(
                fields=["product"], condition=Q(kind="new"), name="follow_news_new_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id}"


class FollowDigest(models.Model):
    """One e-mail of followed producers' news sent to a buyer (at most one per
    FOLLOW_DIGEST_DAYS), with the news it carried."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="follow_digests", on_delete=models.CASCADE
    )
    sent_at = models.DateTimeField(db_index=True)
    news = models.ManyToManyField(FollowNews, related_name="digests")

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.sent_at:%Y-%m-%d}"


class StockRecord(AbstractStockRecord):
    def allocate(self, quantity):
        """Allocate stock only if it is there, in one conditional UPDATE.

        Oscar checks availability in Python and then allocates, so two buyers checking out the
        last unit at once could both get it. Here the database decides: the row is updated
        only while enough stock is free, and otherwise the order is not placed.
        """
        if not self.can_track_allocations:
            return
        self.pre_save_signal()
        allocated = Coalesce(F("num_allocated"), 0)
        updated = (
            type(self)
            .objects.filter(pk=self.pk, num_in_stock__gte=allocated + quantity)
            .update(num_allocated=allocated + quantity)
        )
        if not updated:
            UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
            raise UnableToPlaceOrder(
                _("Sorry, “%(product)s” has just sold out. Please adjust your basket.")
                % {"product": self.product.get_title()}
            )
        self.refresh_from_db(fields=["num_allocated"])
        self.post_save_signal()

    allocate.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402, F403 (Oscar's fork pattern)
