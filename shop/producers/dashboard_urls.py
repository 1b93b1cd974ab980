"""Operators review producers' new products and listing changes."""

from django.urls import path

from shop.producers import views

app_name = "listings-dashboard"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("<int:pk>/", views.listing_detail, name="detail"),
]
