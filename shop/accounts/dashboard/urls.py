"""Operators unlock accounts the login throttle locked."""

from django.urls import path

from shop.accounts.dashboard import views

app_name = "lockouts-dashboard"
urlpatterns = [path("", views.lockout_list, name="list")]
