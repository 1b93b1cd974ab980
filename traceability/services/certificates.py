"""Certificates of products (OCOP star ratings, geographical indications), issued as EIP-712
attestations signed with an inspector's (or operator's) key, revoked by the site, and the
storefront's star rating kept in step with them (``PROOF_FORMAT.md``, "Certificates").

``Product.ocop_stars`` is what every storefront page shows: :func:`product_stars_sync` sets it
to the highest rating of a valid certificate (none: no stars). It runs when a certificate is
issued or revoked and daily (``traceability.certificates_sync``) for the ones that expire.
Saving the product bumps the page cache (``shop.pagecache`` listens to products).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import roles
from traceability import ledger
from traceability.certificates import certificate_message, certificate_sign
from traceability.models import Certificate, InspectorKey
from traceability.selectors import registry_current
from traceability.services.gtin import product_gtin_ensure
from traceability.services.inspectors import _unlock

OCOP_MONTHS = 36


def months_after(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (the month's last day when it has no such day)."""
    years, month = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _seconds(moment: datetime) -> int:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return int(moment.timestamp())


def may_issue(user: Any) -> bool:
    """Inspectors and operators issue certificates (with their own accredited key)."""
    return roles.is_inspector(user) or roles.is_operator(user)


def certificate_issue(
    *,
    product: Any,
    kind: str,
    reference: str,
    level: int,
    valid_from: datetime,
    valid_until: datetime | None = None,
    issuer: Any,
    passphrase: str,
) -> Certificate:
    """Sign and record a certificate of ``product`` with ``issuer``'s key.

    An OCOP rating is valid 36 months from ``valid_from`` unless ``valid_until`` says less;
    a geographical indication needs ``valid_until``. The keystore is unlocked just before
    signing and the key dropped right after, as for inspections.
    """
    if not may_issue(issuer):
        raise ValidationError(_("Only inspectors and operators can issue certificates."))
    reference = (reference or "").strip()
    if kind == Certificate.Kind.OCOP:
        limit = months_after(valid_from, OCOP_MONTHS)
        valid_until = valid_until or limit
        if valid_until > limit:
            raise ValidationError(_("An OCOP rating is valid for 36 months at most."))
    elif kind == Certificate.Kind.GI:
        level = 0
        if valid_until is None:
            raise ValidationError(_("Say until when the right to the indication is valid."))
    else:
        raise ValidationError(_("Choose the kind of certificate."))
    if product.producer_id is None:
        raise ValidationError(_("The product has no producer to hold the certificate."))
    key = InspectorKey.objects.filter(user=issuer, revoked_at=None).first()
    if key is None:
        raise ValidationError(_("Create your signing key first."))
    if key.accredited_at is None:
        raise ValidationError(_("Your signing key is not accredited on the ledger yet."))
    registry = registry_current()
    if registry is None:
        raise ValidationError(_("The ledger is not set up yet; certificates cannot be signed."))
    gtin = product_gtin_ensure(product=product).zfill(14)
    try:
        message = certificate_message(
            gtin=gtin,
            kind=kind,
            reference=reference,
            level=level,
            valid_from=_seconds(valid_from),
            valid_until=_seconds(valid_until),
        )
    except ValueError as exc:
        raise ValidationError(_("The certificate is not valid: %(why)s") % {"why": exc}) from None
    domain = ledger.domain_of(registry)
    private_key = _unlock(key, passphrase)
    try:
        signer, signature = certificate_sign(
            message=message, domain=domain, private_key=private_key
        )
    finally:
        del private_key
    with transaction.atomic():
        certificate = Certificate.objects.create(
            product=product,
            producer=product.producer,
            kind=kind,
            reference=reference,
            level=level,
            valid_from=datetime.fromtimestamp(message["validFrom"], tz=UTC),
            valid_until=datetime.fromtimestamp(message["validUntil"], tz=UTC),
            typed_data=message,
            signer=signer,
            signature=signature,
            chain_id=domain.chain_id,
            contract=domain.contract,
            issued_by=issuer,
        )
        product_stars_sync(product=product, touch=True)
    return certificate


def certificate_revoke(*, certificate: Certificate, by: Any) -> Certificate:
    """Withdraw a certificate (the authority withdrew it, or it was issued in error)."""
    if not (roles.is_operator(by) or (may_issue(by) and certificate.issued_by_id == by.pk)):
        raise ValidationError(_("Only operators and the certificate's issuer can withdraw it."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
        product_stars_sync(product=locked.product, touch=True)
    return locked


def _accredited_signers() -> list[str]:
    return list(
        InspectorKey.objects.filter(accredited_at__isnull=False).values_list("address", flat=True)
    )


def certificates_valid(*, now: datetime | None = None, signers: list[str] | None = None):
    """Certificates valid at ``now``: in their window, not withdrawn, signed by a key the
    ledger accredits (as the site last saw it)."""
    now = now or timezone.now()
    signers = _accredited_signers() if signers is None else signers
    return Certificate.objects.filter(
        revoked_at=None, valid_from__lte=now, valid_until__gt=now, signer__in=signers
    )


def product_stars_sync(
    *,
    product: Any,
    now: datetime | None = None,
    signers: list[str] | None = None,
    touch: bool = False,
) -> bool:
    """Set the product's OCOP stars to its best valid rating (or none); True if they changed.

    Saved (not updated) so that the page cache hears of it; ``touch`` saves it even when the
    stars stay (a certificate issued or withdrawn changes what the product page says)."""
    best = (
        certificates_valid(now=now, signers=signers)
        .filter(product_id=product.pk, kind=Certificate.Kind.OCOP)
        .order_by("-level")
        .values_list("level", flat=True)
        .first()
    )
    stars = best or None
    Product = get_model("catalogue", "Product")
    current = Product.objects.filter(pk=product.pk).values_list("ocop_stars", flat=True).first()
    if current == stars and not touch:
        product.ocop_stars = stars
        return False
    fresh = Product.objects.get(pk=product.pk)
    fresh.ocop_stars = stars
    fresh.save(update_fields=["ocop_stars"])
    product.ocop_stars = stars
    return current != stars


def certificates_sync(*, now: datetime | None = None) -> int:
    """Bring every product's stars in step with its certificates; returns how many changed.

    Products showing stars and products with an OCOP certificate are looked at: stars with no
    valid certificate behind them go, a rating that became valid appears."""
    Product = get_model("catalogue", "Product")
    signers = _accredited_signers()
    products = Product.objects.filter(
        Q(ocop_stars__isnull=False) | Q(certificates__kind=Certificate.Kind.OCOP)
    ).distinct()
    changed = 0
    for product in products.only("pk", "ocop_stars").iterator():
        changed += product_stars_sync(product=product, now=now, signers=signers)
    return changed
