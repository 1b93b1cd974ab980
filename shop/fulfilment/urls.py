"""Shipping pages outside the dashboard, under /shipping/: carriers' callbacks, the public
tracking page, the buyer's buttons on their order page, and (development and tests only) the
carrier simulators."""

from django.urls import include, path

from shop.fulfilment import callbacks, track_views, views

app_name = "shipping"

urlpatterns = [
    path("callback/<str:carrier>/<str:token>/", callbacks.carrier_callback, name="callback"),
    path("track/<str:token>/", track_views.shipment_track, name="track"),
    path("simulator/", include("shop.carriers.simulators.urls")),
    path("shipments/<int:pk>/cancel/", views.shipment_cancel, name="buyer-cancel"),
    path("shipments/<int:pk>/received/", views.shipment_received, name="buyer-received"),
]
