"""Operators' waybill queue, at /dashboard/waybills/."""

from django.urls import path

from shop.fulfilment.dashboard import operators

app_name = "waybills-dashboard"
urlpatterns = [
    path("", operators.waybill_queue, name="list"),
    path("<int:pk>/retry/", operators.waybill_retry, name="retry"),
    path("<int:pk>/cancel/", operators.waybill_cancel, name="cancel"),
    path("<int:pk>/label/", operators.waybill_label, name="label"),
]
