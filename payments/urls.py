from django.conf import settings
from django.urls import include, path

from payments import views
from payments.gateways_registry import adapter_for

app_name = "payments"


def _callbacks() -> list:
    """Each configured gateway's callback, where its adapter says the gateway calls us."""
    routes = []
    for method in settings.PAYMENT_GATEWAYS:
        route = adapter_for(method).callback
        routes.append(path(route.path, views.gateway_callback, {"method": method}, name=route.name))
    return routes


urlpatterns = [
    path("order/<str:token>/", views.order_payment, name="order"),
    path("order/<str:token>/status.json", views.order_status, name="order-status"),
    path("order/<str:token>/qr.png", views.order_qr_png, name="order-qr"),
    path("order/<str:token>/new-link/", views.order_link_resend, name="order-resend"),
    path("return/<str:method>/", views.gateway_return, name="return"),
    *_callbacks(),
    # Development and test simulators: each view is a 404 unless PAYMENT_SIMULATORS is on.
    path("simulator/", include("payments.simulators.urls")),
]
