"""The periodic tracking query: each carrier is asked where the parcels still on their way
are, and what it says goes through `tracking_apply` like a callback (``source`` track). A
callback the carrier never sent, or that we refused while down, is caught up here.

A carrier that cannot be reached is left alone for the rest of the round (logged); one parcel
the carrier will not talk about does not stop the others. Each round takes a bounded batch,
the parcels asked about longest ago first, and the carriers are asked outside any transaction.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from shop.carriers import registry
from shop.carriers.ports import CarrierError, CarrierUnavailable
from shop.fulfilment import selectors
from shop.fulfilment.models import CarrierEvent, Shipment
from shop.fulfilment.tracking import tracking_apply

logger = logging.getLogger(__name__)
_TRACK = CarrierEvent.Source.TRACK


def parcels_track(*, batch: int | None = None) -> dict[str, int]:
    """One round; returns how many updates had each outcome, and the parcels skipped."""
    batch = batch or settings.CARRIER_TRACK_BATCH
    counts: Counter[str] = Counter()
    down: set[str] = set()
    for shipment in selectors.shipments_to_track(limit=batch):
        if shipment.carrier in down:
            counts["skipped"] += 1
            continue
        try:
            updates = registry.carrier_for(shipment.carrier).track(shipment.tracking_number)
        except CarrierUnavailable as exc:
            logger.warning("%s unreachable, tracking skipped this round: %s", shipment.carrier, exc)
            down.add(shipment.carrier)
            counts["skipped"] += 1
            continue
        except (CarrierError, ImproperlyConfigured) as exc:
            logger.warning("%s would not track %s: %s", shipment.carrier, shipment.pk, exc)
            counts["refused"] += 1
            updates = []
        except Exception:  # an adapter's bug must not end the round for every other parcel
            logger.exception("tracking %s with %s failed", shipment.pk, shipment.carrier)
            counts["refused"] += 1
            updates = []
        for update in updates:
            if update.code and update.code != shipment.tracking_number:
                continue  # not this parcel's: the carrier answered about another
            try:
                outcome = tracking_apply(shipment=shipment, update=update, source=_TRACK)
            except Exception:
                logger.exception("applying %s's status to %s failed", shipment.carrier, shipment.pk)
                counts["error"] += 1
                break
            counts[outcome] += 1
        # Asked now: the next round starts with the parcels asked about longest ago.
        Shipment.objects.filter(pk=shipment.pk).update(updated_at=timezone.now())
    return dict(counts)
