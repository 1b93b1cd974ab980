"""Demo certificates (called from ``demo_chain_work`` once the demo inspector is accredited;
idempotent): every demo product showing OCOP stars gets its rating signed as a certificate
(valid 36 months from 15 January 2025), a product with a geographical indication its right
to it, and one product an older rating that has expired, so the lot page shows history."""

from __future__ import annotations

from datetime import datetime

from oscar.core.loading import get_model

from traceability import services
from traceability.models import Certificate, InspectorKey

Product = get_model("catalogue", "Product")


def demo_certificates(*, key: InspectorKey, passphrase: str, lots: dict, zone) -> int:
    """Sign the demo certificates with the demo inspector's ``key``; return how many."""
    references = {}
    for index, code in enumerate(lots):
        first = Product.objects.filter(producer__code=code).order_by("pk").first()
        if first is not None:
            references[first.pk] = f"OCOP-TQ-2025-{index + 1:03d}"
    start = datetime(2025, 1, 15, tzinfo=zone)
    made = 0
    products = Product.objects.filter(producer__isnull=False).order_by("pk")
    for product in products.exclude(ocop_stars=None):
        if Certificate.objects.filter(product=product, kind="ocop", revoked_at=None).exists():
            continue
        stars = product.ocop_stars  # issuing follows the stars with the certificates
        if not made:  # one expired rating: three stars before the current one
            _issue(
                product,
                key,
                passphrase,
                kind="ocop",
                level=3,
                reference=f"OCOP-2021-{product.pk:04d}",
                valid_from=datetime(2021, 12, 1, tzinfo=zone),
            )
        _issue(
            product,
            key,
            passphrase,
            kind="ocop",
            level=stars,
            reference=references.get(product.pk, f"OCOP-2025-{product.pk:04d}"),
            valid_from=start,
        )
        made += 1
    for product in products.filter(geographical_indication__gt=""):
        if Certificate.objects.filter(product=product, kind="gi", revoked_at=None).exists():
            continue
        _issue(
            product,
            key,
            passphrase,
            kind="gi",
            level=0,
            reference="GI-00045",
            valid_from=datetime(2020, 6, 1, tzinfo=zone),
            valid_until=datetime(2030, 6, 1, tzinfo=zone),
        )
        made += 1
    return made


def _issue(product, key, passphrase, **kwargs) -> Certificate:
    return services.certificate_issue(
        product=product, issuer=key.user, passphrase=passphrase, **kwargs
    )
