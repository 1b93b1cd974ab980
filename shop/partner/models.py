"""Producers: households, cooperatives and OCOP enterprises, each an Oscar partner."""

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord
from oscar.core.loading import get_class

from shop import geo


class ProducerKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    COOPERATIVE = "cooperative", _("Cooperative")
    ENTERPRISE = "enterprise", _("OCOP enterprise")


class Partner(AbstractPartner):
    kind = models.CharField(
        _("Producer type"),
        max_length=16,
        choices=ProducerKind.choices,
        default=ProducerKind.HOUSEHOLD,
    )
    province_code = models.PositiveSmallIntegerField(_("Province"), null=True, blank=True)
    ward_code = models.PositiveIntegerField(_("Commune"), null=True, blank=True)
    story = models.TextField(_("Story"), blank=True)
    is_public = models.BooleanField(_("Public"), default=True)
    cash_on_delivery = models.BooleanField(_("Accepts cash on delivery"), default=True)

    class Meta(AbstractPartner.Meta):
        pass

    @property
    def location_label(self) -> str:
        units = (geo.ward(self.ward_code), geo.province(self.province_code))
        return ", ".join(u.name for u in units if u is not None)

    def get_absolute_url(self) -> str:
        return reverse("producers:detail", kwargs={"code": self.code})


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
