"""The producer's settlement statements."""

from django.urls import path

from shop.settlements import views

app_name = "producer-statements"
urlpatterns = [
    path("", views.producer_list, name="list"),
    path("<int:pk>/", views.producer_detail, name="detail"),
    path("<int:pk>/csv/", views.producer_download, {"kind": "csv"}, name="csv"),
    path("<int:pk>/pdf/", views.producer_download, {"kind": "pdf"}, name="pdf"),
]
