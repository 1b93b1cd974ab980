"""The simulators' pages, mounted under `payments/simulator/` in the `payments` namespace:
each gateway entry's SIMULATOR module brings its own `urlpatterns`."""

from django.urls import include, path

from payments.gateways_registry import simulator_url_modules

urlpatterns = [path("", include(module)) for module in simulator_url_modules()]
