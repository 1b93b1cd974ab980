"""GTINs for products: GTIN-13s allocated from our GS1 company prefix."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Length
from oscar.core.loading import get_model

from traceability import gs1

Product = get_model("catalogue", "Product")


def product_gtin_ensure(*, product: Any) -> str:
    """Give ``product`` a GTIN-13 from our company prefix unless it has a GTIN; return it."""
    if product.gtin:
        return product.gtin
    prefix = settings.GS1_COMPANY_PREFIX
    for _attempt in range(10):
        highest = (
            Product.objects.filter(gtin__startswith=prefix)
            .annotate(length=Length("gtin"))
            .filter(length=13)
            .aggregate(top=Max("gtin"))["top"]
        )
        reference = int(highest[len(prefix) : 12]) + 1 if highest else 1
        gtin = gs1.gtin13(prefix, reference)
        try:
            with transaction.atomic():
                updated = Product.objects.filter(pk=product.pk, gtin="").update(gtin=gtin)
        except IntegrityError:  # another allocation took this number first: take the next
            continue
        if not updated:  # someone gave this product a GTIN meanwhile
            product.refresh_from_db(fields=["gtin"])
            return product.gtin
        product.gtin = gtin
        return gtin
    raise RuntimeError("could not allocate a GTIN (too much contention)")


def products_gtin_allocate() -> int:
    """Allocate GTINs to every product that has none; return how many were allocated."""
    count = 0
    for product in Product.objects.filter(gtin="").order_by("pk"):
        product_gtin_ensure(product=product)
        count += 1
    return count
