"""The producer's orders: their own shipments, and their own lines in them only."""

from django.http import Http404
from django.urls import path


def placeholder(request):
    raise Http404


app_name = "producer-orders"
urlpatterns = [
    path("", placeholder, name="list"),  # TODO(issue 4): replaced by the real list view
]
