from django.urls import path

from shop.producers import views

app_name = "producer-dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/", views.choose, name="choose"),
    path("stop-acting/", views.stop_acting, name="stop-acting"),
    path("products/", views.index, name="product-list"),  # TODO(issue 4): the product list
]
