"""Operators review producer applications (mounted at /dashboard/applications/)."""

from django.urls import path

from shop.onboarding.dashboard import views

app_name = "applications-dashboard"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.application_decide, name="decide"),
    path("documents/<int:pk>/", views.document_download, name="document"),
]
