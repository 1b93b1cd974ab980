from django.urls import path
from oscar.core.loading import get_class

ProducerListView = get_class("partner.views", "ProducerListView")
ProducerDetailView = get_class("partner.views", "ProducerDetailView")
follow = get_class("partner.views", "follow")
unfollow = get_class("partner.views", "unfollow")

urlpatterns = [
    path("", ProducerListView.as_view(), name="index"),
    path("<slug:code>/", ProducerDetailView.as_view(), name="detail"),
    path("<slug:code>/follow/", follow, name="follow"),
    path("unfollow/<str:token>/", unfollow, name="unfollow"),
]
