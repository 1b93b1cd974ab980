"""The simulators' pages, mounted under `payments/simulator/` in the `payments` namespace."""

from django.urls import path

from payments.simulators import views

urlpatterns = [
    path("vnpay/pay", views.vnpay_pay, name="sim-vnpay-pay"),
    path("vnpay/api", views.vnpay_api, name="sim-vnpay-api"),
    path("bank/", views.bank_transfer, name="sim-bank"),
    path("stripe/pay/<str:session_id>", views.stripe_checkout, name="sim-stripe-pay"),
]
