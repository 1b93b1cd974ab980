"""The WSGI application gunicorn serves (gunicorn.conf.py): Django's handler, which lets go of
each request as soon as its response is sent."""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.production")


class Handler(WSGIHandler):
    """Django's WSGI handler; once a response is closed (sent), its request is emptied.

    What the middleware hangs on a request refers back to it: the lazy user, the messages'
    storage, the basket's strategy, the CSP nonce. Each request left about 70 objects in
    reference cycles, which only the garbage collector frees. Its collections then ran every
    few requests and held the worker's threads still for tens of milliseconds, and a full
    collection for over 200 ms (tests/shop/test_wsgi.py). Emptied, the request and what hangs
    on it are freed by reference counting as the response closes."""

    def get_response(self, request):
        response = super().get_response(request)
        # Run by response.close(), after Django's own closing of the request (its uploads).
        response._resource_closers.append(request.__dict__.clear)
        return response


django.setup(set_prefix=False)
application = Handler()
