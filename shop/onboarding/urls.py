"""The public "sell with us" application (mounted at /shop/sell/)."""

from django.urls import path

from shop.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.apply, name="apply"),
    path("thanks/", views.thanks, name="thanks"),
    path("status/", views.status_resend, name="status-resend"),
    path("status/<str:token>/", views.status, name="status"),
]
