"""Reviews as the public sees them, built on real orders: a cash-on-delivery checkout of honey
and tea, both shipments delivered by their producers, and reviews of the delivered lines written
straight to the database (approved, as the reviews service leaves them) with the figures
refreshed by `ratings_refresh`."""

import datetime as dt
import io
import itertools

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from shop.catalogue.reviews.services import ratings_refresh
from shop.fulfilment.models import Shipment
from tests.fulfilment import cod_helpers

ProductReview = get_model("reviews", "ProductReview")
ReviewPhoto = get_model("reviews", "ReviewPhoto")
Line = get_model("order", "Line")

NOVEMBER = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 30))
_names = itertools.count(1)


def delivered_order(name="Phạm Thị Mai"):
    """A buyer's order of honey (one line) and tea (one line), both delivered."""
    order, honey, tea = cod_helpers.cod_order(Client())
    buyer = cod_helpers.buyer(f"buyer{next(_names)}")
    buyer.first_name = name
    buyer.save(update_fields=["first_name"])
    order = cod_helpers.owned_by(order, buyer)
    cod_helpers.advance(honey, Shipment.Status.DELIVERED)
    cod_helpers.advance(tea, Shipment.Status.DELIVERED)
    return order


def line_of(order, title_start: str):
    return order.lines.get(title__startswith=title_start)


def more_lines(line, n: int) -> list:
    """`n` more lines of the same product in the same (real, delivered) order: one review
    each, as for a buyer who bought the same thing again and again."""
    copies = []
    for _ in range(n):
        copy = Line.objects.get(pk=line.pk)
        copy.pk = copy.id = None
        copy.save()
        copies.append(copy)
    return copies


def jpeg(colour="#3f7d3a") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "JPEG")
    return out.getvalue()


def review(
    line,
    *,
    score=5,
    title="Mật ong thơm",
    body="Đóng gói cẩn thận.",
    status=None,
    at=None,
    purchased_at=NOVEMBER,
    photos=0,
    answer="",
    language="vi",
    refresh=True,
):
    order = line.order
    created = ProductReview.objects.create(
        product=line.product,
        line=line,
        partner=line.partner,
        user=order.user,
        score=score,
        title=title,
        body=body,
        status=ProductReview.APPROVED if status is None else status,
        purchased_at=purchased_at,
        language=language,
        answer=answer,
        answered_at=timezone.now() if answer else None,
    )
    if at is not None:
        ProductReview.objects.filter(pk=created.pk).update(date_created=at)
        created.refresh_from_db()
    for position in range(photos):
        photo = ReviewPhoto(review=created, position=position)
        photo.image.save(f"r{created.pk}-{position}.jpg", ContentFile(jpeg()), save=False)
        photo.save()
    if refresh:
        ratings_refresh(product_id=line.product_id, partner_id=line.partner_id)
    return created
