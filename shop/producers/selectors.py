"""Reads for the producer's dashboard. Every function takes the producer and filters by it."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.fulfilment.models import Shipment

IN_PROGRESS = [Shipment.Status.CONFIRMED, Shipment.Status.PACKED, Shipment.Status.SHIPPED]


def producer_summary(producer) -> dict:
    Product = get_model("catalogue", "Product")
    products = Product.objects.filter(producer=producer).aggregate(
        live=Count("pk", filter=Q(is_public=True)),
        hidden=Count("pk", filter=Q(is_public=False)),
    )
    shipments = Shipment.objects.filter(partner=producer).aggregate(
        to_confirm=Count("pk", filter=Q(status=Shipment.Status.NEW)),
        in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS)),
    )
    return {"products": products, "shipments": shipments}


def producer_products(producer):
    """The producer's products, with their stock record and any pending review."""
    from django.db.models import Exists, OuterRef, Prefetch

    from shop.producers.models import ListingChange, ListingTakedown

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    pending = ListingChange.objects.filter(product=OuterRef("pk"), status="pending")
    taken_down = ListingTakedown.objects.filter(product=OuterRef("pk"), restored_at__isnull=True)
    return (
        Product.objects.filter(producer=producer)
        .annotate(has_pending_change=Exists(pending), is_taken_down=Exists(taken_down))
        .prefetch_related(
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.filter(partner=producer),
                to_attr="own_stockrecords",
            ),
            "images",
        )
        .order_by("-date_updated", "-pk")
    )


def pending_listing_changes():
    from shop.producers.models import ListingChange

    return ListingChange.objects.filter(status=ListingChange.Status.PENDING).select_related(
        "product", "partner", "submitted_by"
    )


def listing_change_rows(change) -> list[dict]:
    """Current and proposed value of every field the change touches, for the reviewer."""
    from shop.producers.services import (
        REVIEWED_FIELDS,
        RICH_TEXT_FIELDS,
        TRANSLATED_FIELDS,
        reviewed_column,
    )
    from shop.translated import in_language

    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    product = change.product
    rows = []
    for name in [*REVIEWED_FIELDS, "categories"]:
        if name not in change.proposed:
            continue
        if name == "categories":
            label = _("Categories")
            now = ", ".join(c.name for c in product.categories.all())
            wanted = ", ".join(
                Category.objects.filter(pk__in=change.proposed[name]).values_list("name", flat=True)
            )
        else:
            base = name.removesuffix("_en")
            label = Product._meta.get_field(base).verbose_name
            if base in TRANSLATED_FIELDS:
                label = in_language(label, "en" if name.endswith("_en") else "vi")
            now = _shown(name, getattr(product, reviewed_column(name)))
            wanted = _shown(name, change.proposed[name])
        rows.append(
            {
                "label": label,
                "now": now,
                "proposed": wanted,
                "changed": str(now) != str(wanted),
                "html": name in RICH_TEXT_FIELDS,
            }
        )
    return rows


def _shown(name: str, value) -> str:
    """A field's value as the reviewer reads it: unit names instead of codes."""
    from decimal import Decimal

    from shop import geo

    if value in (None, ""):
        return ""
    if name == "origin_province_code":
        unit = geo.province(int(value))
        return unit.name if unit else str(value)
    if name == "origin_ward_code":
        unit = geo.ward(int(value))
        return unit.name if unit else str(value)
    if name == "net_quantity":
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def producers_for_access_page():
    """Every producer with its users and who last suspended or reinstated it."""
    return (
        get_model("partner", "Partner")
        .objects.select_related("suspended_by", "reinstated_by")
        .prefetch_related("users")
        .order_by("name")
    )


def live_listings(*, query: str = "", limit: int = 50):
    """Products on sale an operator may take down, matching `query` (name or producer), with
    their producer; at most `limit`."""
    from shop.text import search_terms

    Product = get_model("catalogue", "Product")
    products = Product.objects.browsable().filter(producer__isnull=False)
    for term in search_terms(query):
        products = products.filter(
            Q(search_title__contains=term) | Q(producer__name__icontains=term)
        )
    return products.select_related("producer").order_by("-date_updated", "-pk")[:limit]


def listing_takedowns(*, limit: int = 100):
    """The latest takedowns (active ones and restored ones), with who decided."""
    from shop.producers.models import ListingTakedown

    return ListingTakedown.objects.select_related(
        "partner", "product", "taken_down_by", "restored_by"
    )[:limit]


def product_takedowns(*, product):
    from shop.producers.models import ListingTakedown

    return ListingTakedown.objects.filter(product=product).select_related(
        "taken_down_by", "restored_by"
    )


def seller_disclosure(*, producer) -> list[tuple[str, str]]:
    """What a producer's public page says of the seller (Decree 52/2013/NĐ-CP, art. 29, as
    amended by Decree 85/2021/NĐ-CP): name, address, registration or tax number, contact and
    representative; (label, value) rows, without the ones the producer has not given.

    A household's tax number may be its owner's 12-digit personal ID number (which serves as
    the tax code): only its first and last three digits are shown, enough to check it against
    an invoice without publishing the person's identity number.
    """
    from shop.phones import national

    address = ", ".join(part for part in (producer.street, producer.location_label) if part)
    tax_id = producer.tax_id or ""
    if len(tax_id) == 12 and tax_id.isdigit():
        tax_id = f"{tax_id[:3]}••••••{tax_id[-3:]}"
    rows = [
        (_("Seller"), producer.name),
        (_("Producer type"), producer.get_kind_display()),
        (_("Address"), address),
        (_("Business or cooperative registration number"), producer.registration_number),
        (_("Tax code"), tax_id),
        (_("Representative"), producer.representative),
        (_("Phone number"), national(producer.phone) if producer.phone else ""),
        (_("E-mail"), producer.email),
    ]
    return [(label, value) for label, value in rows if value]
