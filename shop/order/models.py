from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractShippingAddress
from oscar.apps.order.abstract_models import AbstractOrder

from shop.address.models import VietnameseAddress
from shop.channels import Channel


class Order(AbstractOrder):
    # The buyer's language when they ordered: every message about the order is written in it
    # and links to pages in it.
    language = models.CharField(
        _("Language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Where the buyer hears about the order; Zalo goes to the delivery phone.
    notify_channel = models.CharField(
        _("Messages by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )

    class Meta(AbstractOrder.Meta):
        pass


class ShippingAddress(VietnameseAddress, AbstractShippingAddress):
    class Meta(AbstractShippingAddress.Meta):
        pass


from oscar.apps.order.models import *  # noqa: E402, F403 (Oscar fork pattern)
