"""Operators review producers' new products and listing changes."""

from django.http import Http404
from django.urls import path


def placeholder(request):
    raise Http404


app_name = "listings-dashboard"
urlpatterns = [
    path("", placeholder, name="list"),  # TODO(issue 4): replaced by the real list view
]
