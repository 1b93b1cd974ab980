"""Oscar's offer applicator, with the site's offers read from the cache.

Every request that loads a non-empty basket applies the offers to it; Oscar reads the site's
offers afresh each time (a query on every basket and checkout page, usually answering none).
Here they are kept in the cache for the page generation, which every change to an offer, its
condition or its benefit moves on (shop/pagecache.py), and their dates are checked at each use,
so an offer starts and ends on time."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from oscar.apps.offer import applicator
from oscar.core.loading import get_model

from shop import pagecache

SITE_OFFERS_KEY = "offers:site:{generation}"


class Applicator(applicator.Applicator):
    request = None  # the request whose page generation keys the offers (`get_offers`)

    def get_offers(self, basket, user=None, request=None):
        self.request = request  # `apply` calls this first
        return super().get_offers(basket, user, request)

    def get_site_offers(self):
        ConditionalOffer = get_model("offer", "ConditionalOffer")
        key = SITE_OFFERS_KEY.format(generation=pagecache.generation(self.request))
        offers = cache.get(key)
        if offers is None:
            offers = list(
                ConditionalOffer.objects.filter(
                    offer_type=ConditionalOffer.SITE, status=ConditionalOffer.OPEN
                ).select_related("condition", "benefit")
            )
            cache.set(key, offers, timeout=settings.PAGE_CACHE_SECONDS)
        now = timezone.now()
        return [
            offer
            for offer in offers
            if (offer.start_datetime is None or offer.start_datetime <= now)
            and (offer.end_datetime is None or offer.end_datetime >= now)
        ]
