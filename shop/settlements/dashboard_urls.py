"""Operators' settlement pages: statements of every producer, paying them."""

from django.urls import path

from shop.settlements import views

app_name = "settlements-dashboard"
urlpatterns = [
    path("", views.operator_list, name="list"),
    path("<int:pk>/", views.operator_detail, name="detail"),
    path("<int:pk>/csv/", views.operator_download, {"kind": "csv"}, name="csv"),
    path("<int:pk>/pdf/", views.operator_download, {"kind": "pdf"}, name="pdf"),
    path("<int:pk>/pay/", views.operator_pay, name="pay"),
]
