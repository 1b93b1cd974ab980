"""Shipping pages outside the dashboard, under /shipping/: carriers' callbacks, the public
tracking page, and (development and tests only) the carrier simulators."""

from django.urls import include, path

app_name = "shipping"

urlpatterns = [
    path("simulator/", include("shop.carriers.simulators.urls")),
]
