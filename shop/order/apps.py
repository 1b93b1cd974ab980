from oscar.apps.order import apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

    def ready(self):
        super().ready()
        # An order's analytics in two statements, not one per line, and a basket addition's
        # in one (shop/order/utils.py).
        from django.db.models.signals import post_delete, post_save
        from oscar.apps.analytics.receivers import receive_basket_addition, receive_order_placed
        from oscar.apps.basket.signals import basket_addition
        from oscar.apps.order.signals import order_placed

        from shop.order.kinds import LOOKUP, kind_forget
        from shop.order.utils import analytics_record_basket_addition, analytics_record_order

        order_placed.disconnect(receive_order_placed)
        order_placed.connect(analytics_record_order, dispatch_uid="shop-order-analytics")
        basket_addition.disconnect(receive_basket_addition)
        basket_addition.connect(
            analytics_record_basket_addition, dispatch_uid="shop-basket-addition-analytics"
        )
        # The payment source and event types the payment services read from the cache.
        for model in LOOKUP:
            for signal in (post_save, post_delete):
                signal.connect(
                    kind_forget, sender=model, dispatch_uid=f"kind-forget-{model._meta.label_lower}"
                )
