"""Complaints in the dashboard: the producer's own, and the operators' queue."""

from django.urls import path

from shop.complaints.dashboard import views

producer = (
    [
        path("", views.producer_list, name="list"),
        path("<int:pk>/", views.producer_detail, name="detail"),
        path("<int:pk>/answer/", views.producer_answer, name="answer"),
        path("<int:pk>/photos/<int:position>/", views.producer_photo, name="photo"),
    ],
    "producer-complaints",
)

operator = (
    [
        path("", views.operator_queue, name="list"),
        path("<int:pk>/", views.operator_detail, name="detail"),
        path("<int:pk>/decide/", views.operator_decide, name="decide"),
        path("<int:pk>/photos/<int:position>/", views.operator_photo, name="photo"),
    ],
    "complaints-dashboard",
)
