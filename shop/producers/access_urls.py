"""Operators suspend and reinstate producers."""

from django.urls import path

from shop.producers import views

app_name = "producer-access"
urlpatterns = [
    path("", views.access_list, name="list"),
    path("<int:pk>/", views.access_change, name="change"),
]
