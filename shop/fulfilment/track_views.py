"""The public tracking page of a shipment, reached from the buyer's e-mails without logging in.

Its address carries the shipment's unguessable token; the page shows where the parcel is, who
ships it and to which ward, never the buyer's name, phone or street. It is not indexed, not
cached (it changes with every status) and rate limited (``RATE_LIMITS["track"]``).
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from shop.fulfilment import selectors


@never_cache
@require_safe
def shipment_track(request, token: str):
    shipment = selectors.shipment_by_tracking_token(token=token)
    if shipment is None:
        raise Http404
    response = render(
        request,
        "fulfilment/track.html",
        {"shipment": shipment, "destination": selectors.shipment_destination(shipment=shipment)},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
    return response
