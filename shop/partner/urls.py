from django.urls import path
from oscar.core.loading import get_class

ProducerListView = get_class("partner.views", "ProducerListView")
ProducerDetailView = get_class("partner.views", "ProducerDetailView")

urlpatterns = [
    path("", ProducerListView.as_view(), name="index"),
    path("<slug:code>/", ProducerDetailView.as_view(), name="detail"),
]
