"""Shipping pages outside the dashboard, under /shipping/: carriers' callbacks, the public
tracking page, and (development and tests only) the carrier simulators."""

from django.urls import include, path

from shop.fulfilment import callbacks, views

app_name = "shipping"

urlpatterns = [
    path("callback/<str:carrier>/<str:token>/", callbacks.carrier_callback, name="callback"),
    path("track/<str:token>/", views.shipment_track, name="track"),
    path("simulator/", include("shop.carriers.simulators.urls")),
]
