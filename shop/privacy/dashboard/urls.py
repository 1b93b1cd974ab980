"""The operators' register of personal data requests, at /dashboard/privacy/."""

from django.urls import path

from shop.privacy.dashboard import views

app_name = "privacy-dashboard"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("<int:pk>/carry-out/", views.erasure_carry_out, name="carry-out"),
]
