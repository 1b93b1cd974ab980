"""The producer's orders: their own shipments, and their own lines in them only."""

from django.urls import path

from shop.fulfilment.dashboard import views

app_name = "producer-orders"
urlpatterns = [
    path("", views.shipment_list, name="list"),
    path("<int:pk>/", views.shipment_detail, name="detail"),
    path("<int:pk>/advance/", views.shipment_advance, name="advance"),
    path("<int:pk>/waybill/", views.shipment_waybill, name="waybill"),
    path("<int:pk>/label/", views.shipment_label, name="label"),
]

# Operators: carriers' callbacks and what became of them.
from shop.fulfilment.dashboard import parcels  # noqa: E402

urlpatterns += [path("carrier-callbacks/", parcels.callback_list, name="carrier-callbacks")]
