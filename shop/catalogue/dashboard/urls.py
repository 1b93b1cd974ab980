"""/dashboard/translations/: what buyers read only in Vietnamese, for operators to translate."""

from django.urls import path

from shop.catalogue.dashboard import views

app_name = "translations-dashboard"
urlpatterns = [path("", views.missing_english, name="missing")]
