from django.urls import include, path

from payments import views

app_name = "payments"
urlpatterns = [
    path("order/<str:token>/", views.order_payment, name="order"),
    path("order/<str:token>/status.json", views.order_status, name="order-status"),
    path("order/<str:token>/qr.png", views.order_qr_png, name="order-qr"),
    path("order/<str:token>/new-link/", views.order_link_resend, name="order-resend"),
    path("return/<str:method>/", views.gateway_return, name="return"),
    path("vnpay/ipn", views.vnpay_ipn, name="vnpay-ipn"),
    path("bank/webhook", views.bank_webhook, name="bank-webhook"),
    path("stripe/webhook", views.stripe_webhook, name="stripe-webhook"),
    # Development and test simulators: each view is a 404 unless PAYMENT_SIMULATORS is on.
    path("simulator/", include("payments.simulators.urls")),
]
