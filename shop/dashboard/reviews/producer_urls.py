"""/dashboard/producer/reviews/: the reviews of a producer's own products, and its answers."""

from django.urls import path

from shop.dashboard.reviews import views

app_name = "producer-reviews"

urlpatterns = [
    path("", views.producer_reviews, name="list"),
    path("<int:pk>/answer/", views.producer_answer, name="answer"),
]
