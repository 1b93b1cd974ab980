from django.http import HttpResponse
from django.urls import path

from shop.urls import urlpatterns as site_urlpatterns


def ping(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ping", ping), *site_urlpatterns]
