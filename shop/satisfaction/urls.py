from django.urls import path

from shop.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("", views.index, name="index"),
    path("producers/<int:pk>/", views.producer, name="producer"),
]
