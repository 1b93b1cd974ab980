"""The carrier simulators, each mounted under `shipping/simulator/<name>/` from its CARRIERS
entry's SIMULATOR module (nothing is mounted unless settings.CARRIER_SIMULATORS is on)."""

from django.urls import include, path

from shop.carriers.registry import simulator_mounts

urlpatterns = [path(f"{name}/", include(module)) for name, module in simulator_mounts()]
