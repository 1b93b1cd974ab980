"""/dashboard/producer/satisfaction/: a producer's own figures and how to improve them."""

from django.urls import path

from shop.satisfaction.dashboard import views

app_name = "producer-satisfaction"
urlpatterns = [path("", views.own, name="own")]
