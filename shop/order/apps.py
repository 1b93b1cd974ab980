from oscar.apps.order import apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

    def ready(self):
        super().ready()
        # An order's analytics in two statements, not one per line (shop/order/utils.py).
        from oscar.apps.analytics.receivers import receive_order_placed
        from oscar.apps.order.signals import order_placed

        from shop.order.utils import analytics_record_order

        order_placed.disconnect(receive_order_placed)
        order_placed.connect(analytics_record_order, dispatch_uid="shop-order-analytics")
