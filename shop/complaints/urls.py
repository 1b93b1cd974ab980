"""The buyer's complaint pages, under /shop/complaints/ (and /en/shop/complaints/)."""

from django.urls import path

from shop.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("lines/<int:line_id>/new/", views.complaint_open, name="open"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
    path("<str:reference>/reply/", views.complaint_reply, name="reply"),
    path("<str:reference>/account/", views.complaint_account, name="account"),
    path("<str:reference>/photos/<int:position>/", views.complaint_photo, name="photo"),
]
