"""The producers' dashboard pages, one URL conf per prefix ``shop/urls.py`` mounts them at."""

from django.urls import path

from shop.producers.dashboard import takedowns, views

# /dashboard/producer/: a producer's own shop (operators choose whom they act for).
producer = (
    [
        path("", views.index, name="index"),
        path("choose/", views.choose, name="choose"),
        path("stop-acting/", views.stop_acting, name="stop-acting"),
        path("products/", views.product_list, name="product-list"),
        path("products/new/", views.product_create, name="product-create"),
        path("products/<int:pk>/", views.product_edit, name="product-edit"),
        path("pickup/", views.pickup, name="pickup"),
        path("messages/", views.messages_settings, name="messages"),
    ],
    "producer-dashboard",
)

# /dashboard/listings/: operators review producers' new products and listing changes.
listings = (
    [
        path("", views.listing_list, name="list"),
        path("<int:pk>/", views.listing_detail, name="detail"),
        # Taking live listings down (and restoring them), with a reason.
        path("takedowns/", takedowns.takedown_list, name="takedowns"),
        path("products/<int:pk>/takedown/", takedowns.takedown, name="takedown"),
        path("products/<int:pk>/restore/", takedowns.restore, name="restore"),
    ],
    "listings-dashboard",
)

# /dashboard/producer-access/: operators suspend and reinstate producers.
access = (
    [
        path("", views.access_list, name="list"),
        path("<int:pk>/", views.access_change, name="change"),
    ],
    "producer-access",
)
