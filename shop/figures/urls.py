from django.urls import path

from shop.figures import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
]
