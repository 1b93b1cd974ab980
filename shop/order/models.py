from oscar.apps.address.abstract_models import AbstractShippingAddress

from shop.address.models import VietnameseAddress


class ShippingAddress(VietnameseAddress, AbstractShippingAddress):
    class Meta(AbstractShippingAddress.Meta):
        pass


from oscar.apps.order.models import *  # noqa: E402, F403 (Oscar fork pattern)
