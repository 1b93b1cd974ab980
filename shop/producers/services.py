"""Producers' products: what goes live at once (price, stock) and what waits for an operator."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import pagecache
from shop.money import VND, whole_dong
from shop.notifications import notify
from shop.partner.models import FollowNews
from shop.partner.services import follow_news_record, season_opens
from shop.producers import tasks
from shop.producers.models import ListingChange, ListingChangeImage, ListingTakedown
from shop.recipients import known_language
from shop.richtext import clean_html
from shop.uploads.files import PRODUCT_IMAGE, Upload, upload_clean

# The fields buyers read on the product page that an operator reviews before they change.
# Text is written in both languages: the Vietnamese under the field's own name (as forms and
# stored proposals have always called it), the English, optional, under `<field>_en`.
TRANSLATED_FIELDS = ("title", "description", "geographical_indication", "season", "storage")
REVIEWED_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "origin_province_code",
    "origin_ward_code",
    # no "ocop_stars": a rating shows only while a signed certificate says so
    # (traceability.services.certificates), never from a producer's own word
    "geographical_indication",
    "geographical_indication_en",
    "season",
    "season_en",
    "net_quantity",
    "net_unit",
    "shelf_life_days",
    "storage",
    "storage_en",
)
RICH_TEXT_FIELDS = ("description", "description_en")


def reviewed_column(name: str) -> str:
    """The product's column a reviewed field is stored in: "title" is `title_vi`."""
    return f"{name}_vi" if name in TRANSLATED_FIELDS else name


def _models():
    return (
        get_model("catalogue", "Product"),
        get_model("catalogue", "ProductClass"),
        get_model("catalogue", "ProductImage"),
        get_model("partner", "StockRecord"),
    )


def _as_json(value):
    """Form values as JSON: None, text and whole numbers as they are, anything else (Decimal
    quantities) as its string, so a stored proposal compares equal to the product's value."""
    if value == "":
        return None  # an empty text is an empty text, whether the column keeps "" or NULL
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _proposal(values: dict) -> dict:
    proposal = {name: _as_json(values.get(name)) for name in REVIEWED_FIELDS if name in values}
    for name in RICH_TEXT_FIELDS:
        if proposal.get(name):
            # Stored as it will be shown: the allow-list's HTML (templates clean it again).
            proposal[name] = _as_json(clean_html(proposal[name]))
    if "categories" in values:
        proposal["categories"] = sorted(int(c.pk) for c in values["categories"])
    return proposal


def _current(product) -> dict:
    current = {name: _as_json(getattr(product, reviewed_column(name))) for name in REVIEWED_FIELDS}
    current["categories"] = sorted(product.categories.values_list("pk", flat=True))
    return current


def _apply(product, proposal: dict) -> None:
    Product = type(product)
    for name, value in proposal.items():
        if name not in REVIEWED_FIELDS:  # "categories", or a field no longer reviewed (stars)
            continue
        field = Product._meta.get_field(reviewed_column(name))
        empty = None if field.null else ""
        setattr(product, field.name, field.to_python(value) if value not in (None, "") else empty)
    product.full_clean(exclude=["slug", "product_class", "upc"])
    product.save()
    if "categories" in proposal:
        product.categories.set(proposal["categories"])


def product_class_default():
    """The class producers' products get: the first there is, or "Đặc sản" on a new site."""
    ProductClass = _models()[1]
    existing = ProductClass.objects.order_by("pk").first()
    if existing is not None:
        return existing
    return ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "track_stock": True}
    )[0]


def stock_and_price_set(*, product, producer, price: Decimal, num_in_stock: int) -> None:
    """Price and stock go live at once. Stock may not drop below what orders already hold."""
    StockRecord = _models()[3]
    if price < 0 or num_in_stock < 0:
        raise ValidationError(_("Price and stock cannot be negative."))
    price = whole_dong(price)
    with transaction.atomic():
        record = (
            StockRecord.objects.select_for_update()
            .filter(product=product, partner=producer)
            .first()
        )
        if record is None:
            StockRecord.objects.create(
                product=product,
                partner=producer,
                partner_sku=f"{producer.code}-{product.pk}",
                price=price,
                price_currency=VND,
                num_in_stock=num_in_stock,
            )
            return
        held = record.num_allocated or 0
        if num_in_stock < held:
            raise ValidationError(
                _("%(held)s units are already in orders waiting to ship; stock cannot be less.")
                % {"held": held}
            )
        season = product.is_public and season_opens(
            was_available=(record.num_in_stock or 0) - held,
            available=num_in_stock - held,
            last_moved=record.date_updated,
        )
        record.price = price
        record.price_currency = VND
        record.num_in_stock = num_in_stock
        record.save(update_fields=["price", "price_currency", "num_in_stock", "date_updated"])
        if season:  # followers hear of it in their next digest
            follow_news_record(product=product, kind=FollowNews.Kind.SEASON)


def _checked_images(images) -> list[Upload]:
    """Every image checked and re-encoded, whoever calls (the form has done it already)."""
    return [upload_clean(image, policy=PRODUCT_IMAGE) for image in images]


def _images_append(product, images: Iterable[tuple[str, File, str]]) -> None:
    """Adds (file name, file, caption) images to the product's gallery, after those it has."""
    ProductImage = _models()[2]
    start = product.images.count()
    for order, (name, file, caption) in enumerate(images, start=start):
        picture = ProductImage(product=product, caption=caption, display_order=order)
        picture.original.save(name, file, save=False)
        picture.save()


def product_create(
    *, producer, actor, on_behalf: bool, values: dict, price: Decimal, num_in_stock: int, images=()
):
    """A new product, hidden from buyers until an operator approves it."""
    Product = _models()[0]
    images = _checked_images(images)
    with transaction.atomic():
        product = Product(
            producer=producer,
            product_class=product_class_default(),
            is_public=False,
        )
        _apply(product, _proposal(values))
        stock_and_price_set(
            product=product, producer=producer, price=price, num_in_stock=num_in_stock
        )
        _images_append(product, ((u.file.name, u.file, product.title) for u in images))
        return ListingChange.objects.create(
            product=product,
            partner=producer,
            kind=ListingChange.Kind.NEW,
            proposed=_current(product),
            submitted_by=actor,
            submitted_on_behalf=on_behalf,
        )


def product_update(
    *,
    product,
    producer,
    actor,
    on_behalf: bool,
    values: dict,
    price: Decimal,
    num_in_stock: int,
    images=(),
    remove_image_ids=(),
) -> ListingChange | None:
    """Price and stock now; the rest, if anything changed, as a change awaiting review.

    A product that was never approved is still hidden, so its edits apply at once and its
    pending review stays open. A live product's edits accumulate in one pending change."""
    if product.producer_id != producer.pk:
        raise PermissionDenied
    images = _checked_images(images)
    stock_and_price_set(product=product, producer=producer, price=price, num_in_stock=num_in_stock)
    with transaction.atomic():
        pending = (
            ListingChange.objects.select_for_update()
            .filter(product=product, status=ListingChange.Status.PENDING)
            .first()
        )
        proposal = _proposal(values)
        removals = sorted(
            set(product.images.filter(pk__in=remove_image_ids).values_list("pk", flat=True))
        )
        if pending is not None and pending.kind == ListingChange.Kind.NEW:
            _apply(product, proposal)
            product.images.filter(pk__in=removals).delete()
            _images_append(product, ((u.file.name, u.file, product.title) for u in images))
            pending.proposed = _current(product)
            pending.submitted_by, pending.submitted_on_behalf = actor, on_behalf
            pending.save()
            return pending
        current = _current(product)
        changed = {k: v for k, v in proposal.items() if current.get(k) != v}
        if not changed and not images and not removals and pending is None:
            return None
        change = pending or ListingChange(
            product=product, partner=producer, kind=ListingChange.Kind.CHANGE
        )
        change.proposed = {**(change.proposed or {}), **changed}
        change.remove_image_ids = sorted(set(change.remove_image_ids or []) | set(removals))
        change.submitted_by, change.submitted_on_behalf = actor, on_behalf
        change.save()
        for upload in images:
            ListingChangeImage.objects.create(
                change=change, image=upload.file, caption=product.title
            )
        return change


def listing_change_approve(*, change: ListingChange, actor) -> ListingChange:
    with transaction.atomic():
        change = ListingChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ListingChange.Status.PENDING:
            raise ValidationError(_("This change has already been decided."))
        product = change.product
        if change.kind == ListingChange.Kind.CHANGE:
            _apply(product, change.proposed)
            product.images.filter(pk__in=change.remove_image_ids).delete()
            _images_append(
                product,
                (
                    (added.image.name.rsplit("/", 1)[-1], added.image, added.caption)
                    for added in change.new_images.all()
                ),
            )
        # A listing an operator took down stays down until an operator restores it.
        taken_down = product.takedowns.filter(restored_at__isnull=True).exists()
        if not product.is_public and not taken_down:
            product.is_public = True
            product.save(update_fields=["is_public", "date_updated"])
            if change.kind == ListingChange.Kind.NEW:  # followers hear of it in their digest
                follow_news_record(product=product, kind=FollowNews.Kind.NEW)
        change.status = ListingChange.Status.APPROVED
        change.decided_by, change.decided_at = actor, timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        _tell_producer(change)
        return change


def listing_change_reject(*, change: ListingChange, actor, reason: str) -> ListingChange:
    if not reason.strip():
        raise ValidationError(_("Say why, so the producer can put it right."))
    with transaction.atomic():
        change = ListingChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ListingChange.Status.PENDING:
            raise ValidationError(_("This change has already been decided."))
        change.status = ListingChange.Status.REJECTED
        change.decided_by, change.decided_at = actor, timezone.now()
        change.reason = reason.strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _tell_producer(change)
        return change


def _tell_producer(change: ListingChange) -> None:
    notify(
        tasks.send_listing_decision_email,
        change_id=change.pk,
        key=f"listing-decision-email:{change.pk}",
    )


# --------------------------------------------------------------------------- takedowns


def listing_take_down(*, product, actor, reason: str) -> ListingTakedown:
    """Take a live listing off the floor at once, for `reason` (required, the producer reads
    it). Lists, search and the product page stop showing it on commit (cached pages too); the
    producer is told in its language, by its channel; only an operator can restore it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the listing is taken down: the producer will read it."))
    Product = _models()[0]
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        if product.takedowns.filter(restored_at__isnull=True).exists():
            raise ValidationError(_("This listing is already taken down."))
        if not product.is_public or product.producer_id is None:
            raise ValidationError(_("This product is not on sale: there is nothing to take down."))
        product.is_public = False
        product.save(update_fields=["is_public", "date_updated"])
        takedown = ListingTakedown.objects.create(
            product=product,
            partner_id=product.producer_id,
            product_title=product.title[:255],
            reason=reason,
            taken_down_by=actor,
            taken_down_at=timezone.now(),
        )
        notify(
            tasks.send_listing_takedown_message,
            takedown_id=takedown.pk,
            key=f"listing-takedown:{takedown.pk}",
        )
        # No page rendered from the old rows before the commit survives it.
        pagecache.bump_generation_now_and_on_commit()
        return takedown


def listing_restore(*, product, actor, reason: str) -> ListingTakedown:
    """Put a listing an operator took down back on sale, for `reason` (required); the
    producer is told. The takedown's record is kept, with who restored it, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the listing is restored."))
    Product = _models()[0]
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        takedown = (
            ListingTakedown.objects.select_for_update()
            .filter(product=product, restored_at__isnull=True)
            .first()
        )
        if takedown is None:
            raise ValidationError(_("This listing is not taken down."))
        takedown.restored_by, takedown.restored_at = actor, timezone.now()
        takedown.restore_reason = reason
        takedown.save(update_fields=["restored_by", "restored_at", "restore_reason"])
        product.is_public = True
        product.save(update_fields=["is_public", "date_updated"])
        notify(
            tasks.send_listing_takedown_message,
            takedown_id=takedown.pk,
            restored=1,
            key=f"listing-restored:{takedown.pk}",
        )
        pagecache.bump_generation_now_and_on_commit()
        return takedown


# --------------------------------------------------------------------------- access


@transaction.atomic
def producer_suspend(*, partner, actor, reason: str):
    """Take a producer's access away: its users lose every producer page at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the producer is suspended."))
    Partner = get_model("partner", "Partner")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.suspended_at is None:
        partner.suspended_at, partner.suspended_by = timezone.now(), actor
        partner.suspension_reason = reason[:255]
        partner.save(update_fields=["suspended_at", "suspended_by", "suspension_reason"])
    return partner


@transaction.atomic
def producer_reinstate(*, partner, actor):
    """Give a suspended producer's users their pages back; who suspended it and why is kept
    until the next suspension, who reinstated it and when is recorded."""
    Partner = get_model("partner", "Partner")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.suspended_at is not None:
        partner.suspended_at = None
        partner.reinstated_at, partner.reinstated_by = timezone.now(), actor
        partner.save(update_fields=["suspended_at", "reinstated_at", "reinstated_by"])
    return partner


def producer_pickup_set(
    *, producer, street: str, ward_code: int, phone: str, default_carrier: str
) -> None:
    """Where carriers pick the producer's parcels up (a ward of its province, the street, a
    phone in E.164) and the carrier its shipments go with unless it picks another."""
    from shop import geo
    from shop.carriers import registry

    street = (street or "").strip()
    if not street:
        raise ValidationError(_("Write the house number and street."))
    if producer.province_code is None or not geo.ward_in_province(
        ward_code, producer.province_code
    ):
        raise ValidationError(_("Choose a ward or commune of your province."))
    if default_carrier and not registry.is_configured(default_carrier):
        raise ValidationError(_("This carrier is not available."))
    Partner = get_model("partner", "Partner")
    Partner.objects.filter(pk=producer.pk).update(
        street=street[:255], ward_code=ward_code, phone=phone, default_carrier=default_carrier
    )
    producer.street, producer.ward_code = street[:255], ward_code
    producer.phone, producer.default_carrier = phone, default_carrier


def producer_messages_set(*, producer, language: str, notify_channel: str) -> None:
    """The language the producer's e-mails and statements are written in, and whether it hears
    of new orders by e-mail or by Zalo (at its pick-up phone)."""
    from shop.channels import Channel

    if language != known_language(language):
        raise ValidationError(_("Choose a language."))
    if notify_channel not in Channel.values:
        raise ValidationError(_("Choose e-mail or Zalo."))
    if notify_channel == Channel.ZALO and not producer.phone:
        raise ValidationError(_("Zalo messages need a phone number: save your pick-up phone."))
    Partner = get_model("partner", "Partner")
    Partner.objects.filter(pk=producer.pk).update(language=language, notify_channel=notify_channel)
    producer.language, producer.notify_channel = language, notify_channel
