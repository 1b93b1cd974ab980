"""/dashboard/moit-statistics/: the Ministry of Industry and Trade's periodic statistics."""

from django.urls import path

from shop.figures.dashboard import views

app_name = "moit-statistics"
urlpatterns = [
    path("", views.statistics_page, name="index"),
    path("csv/", views.statistics_download, {"kind": "csv"}, name="csv"),
    path("xlsx/", views.statistics_download, {"kind": "xlsx"}, name="xlsx"),
]
