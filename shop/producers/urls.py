from django.urls import path

from shop.producers import views

app_name = "producer-dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/", views.choose, name="choose"),
    path("stop-acting/", views.stop_acting, name="stop-acting"),
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<int:pk>/", views.product_edit, name="product-edit"),
]
