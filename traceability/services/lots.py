"""Lots and their events: a lot's history is a hash chain of EPCIS events, appended one at a time.

A lot's events are appended under a row lock on the lot, so the hash chain never forks; recorded
events are never changed (a correction is a new event that names the one it corrects).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import geo, people, roles
from shop.uploads.files import LOT_ATTACHMENT, upload_clean
from shop.uploads.storage import private
from traceability import gs1
from traceability.canonical import Location, LotQuantity, build_event, canonical_json, event_digest
from traceability.commitments import commit_paths
from traceability.models import BizStep, Event, EventAttachment, EventDisclosure, Lot
from traceability.proofs import Domain, attestation_sign
from traceability.services.gtin import product_gtin_ensure


@dataclass(frozen=True)
class StoredFile:
    name: str
    path: str
    media_type: str
    sha256: str


def store_attachments(files: Iterable[Any]) -> list[StoredFile]:
    """Check and store uploaded files before any transaction opens (storage may be remote).

    Only PDF and images are kept (images re-encoded, without their metadata), in the private
    store under a name we choose; the lot page links a view that sends them as downloads."""
    stored = []
    for upload in files:
        checked = upload_clean(upload, policy=LOT_ATTACHMENT)
        path = private.save(
            f"traceability/{timezone.now():%Y/%m}/{checked.file.name}", checked.file
        )
        stored.append(
            StoredFile(
                name=checked.original_name[-200:],
                path=path,
                media_type=checked.content_type,
                sha256=checked.sha256,
            )
        )
    return stored


def _plain_decimal(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def lot_master_data(lot: Lot, *, schema_version: int = 1) -> dict[str, Any]:
    """The lot's facts as its commissioning event records them (``ilmd``); schema 2 also says
    what kind of producer it is (a household's name is then committed, see ``append_event``)."""
    producer: dict[str, Any] = {"code": lot.producer.code, "name": lot.producer.name}
    if schema_version >= 2:
        producer["kind"] = lot.producer.kind
    data: dict[str, Any] = {
        "cbvmda:lotNumber": lot.code,
        "cbvmda:countryOfOrigin": "VN",
        "chophien:gtin": lot.gtin14,
        "chophien:productName": lot.product.title,
        "chophien:producer": producer,
        "chophien:productionDate": lot.production_date.isoformat(),
        "chophien:origin": {
            "provinceCode": lot.origin_province_code,
            "provinceName": lot.origin_province_name,
            "wardCode": lot.origin_ward_code,
            "wardName": lot.origin_ward_name,
        },
    }
    certificates = {
        key: value
        for key, value in (("ocop", lot.ocop_certificate), ("gi", lot.gi_certificate))
        if value
    }
    if certificates:
        data["chophien:certificates"] = certificates
    return data


def _location(lot: Lot) -> Location:
    return Location(
        id=f"urn:chophien:ward:{lot.origin_ward_code}",
        latitude=_plain_decimal(lot.latitude),
        longitude=_plain_decimal(lot.longitude),
    )


def _actor(user: Any, role: str) -> dict[str, str]:
    name = people.full_name(user) or getattr(user, "username", "")
    return {"name": name or _("Chợ Phiên"), "role": role}


def append_event(
    *,
    lot: Lot,
    biz_step: str,
    actor: Any,
    role: str,
    event_time: datetime | None,
    details: str,
    files: Sequence[StoredFile],
    quantity: Decimal | None = None,
    inputs: Sequence[LotQuantity] = (),
    disposition: str | None = None,
    ilmd: Mapping[str, Any] | None = None,
    extensions: Mapping[str, Any] | None = None,
    signing: tuple[bytes, Domain] | None = None,
    schema_version: int | None = None,
) -> Event:
    """Append one event to a lot's chain. Call inside a transaction.

    The one way an event is written (lots, later steps and inspections all come through here).
    Events use ``TRACE_EVENT_SCHEMA`` (2) unless ``schema_version`` says otherwise. In schema 2
    a person's data is committed (``traceability.commitments``): the name of whoever records
    the event, and a household producer's name and coordinates; the salts and values are kept
    as ``EventDisclosure`` rows, which erasure empties.
    """
    version = schema_version or settings.TRACE_EVENT_SCHEMA
    locked = Lot.objects.select_for_update().select_related("product", "producer").get(pk=lot.pk)
    last = Event.objects.filter(lot=locked).order_by("-seq").values("seq", "digest").first()
    when = timezone.localtime(event_time or timezone.now())
    when = when.replace(microsecond=when.microsecond // 1000 * 1000)
    extra: dict[str, Any] = {"chophien:actor": _actor(actor, role)}
    if details:
        extra["chophien:details"] = details
    if files:
        extra["chophien:attachments"] = [
            {"name": f.name, "mediaType": f.media_type, "sha256": f.sha256} for f in files
        ]
    extra.update(extensions or {})
    event_id = uuid.uuid4()
    obj = build_event(
        biz_step=biz_step,
        event_id=event_id,
        event_time=when,
        lot=locked.epc_class,
        prev_digest=last["digest"] if last else None,
        quantity=_plain_decimal(quantity),
        uom=locked.unit if quantity is not None else None,
        inputs=inputs,
        location=_location(locked),
        disposition=disposition,
        ilmd=ilmd,
        extensions=extra,
        schema_version=version,
    )
    disclosures = []
    if version >= 2:
        household = locked.producer.kind == "household"  # shop.partner.models.ProducerKind
        paths = ["/chophien:actor/name"] if getattr(actor, "pk", None) else []
        if household:
            paths += ["/ilmd/chophien:producer/name", "/bizLocation/chophien:geo"]
        obj, disclosures = commit_paths(obj, paths)
    digest = event_digest(obj)
    event = Event(
        lot=locked,
        seq=(last["seq"] + 1) if last else 1,
        event_id=event_id.urn,
        biz_step=biz_step,
        event_time=when,
        canonical=canonical_json(obj).decode("utf-8"),
        digest=digest,
        prev_digest=last["digest"] if last else "",
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if signing is not None:
        private_key, domain = signing
        event.signer, event.signature = attestation_sign(
            digest=digest, domain=domain, private_key=private_key
        )
        event.signature_chain_id, event.signature_contract = domain.chain_id, domain.contract
    event.save()
    EventDisclosure.objects.bulk_create(
        [
            EventDisclosure(
                event=event,
                path=d.path,
                salt=d.salt,
                value=d.value,
                subject_user=actor if d.path.startswith("/chophien:actor/") else None,
                subject_producer=None if d.path.startswith("/chophien:actor/") else locked.producer,
            )
            for d in disclosures
        ]
    )
    for f in files:
        EventAttachment(
            event=event, file=f.path, name=f.name, media_type=f.media_type, sha256=f.sha256
        ).save()
    return event


def _ensure_may_record(*, actor: Any, producer_id: int | None) -> None:
    """Operators record for any producer; a producer's user only for their own, while they have
    access (``shop.roles``). Events are permanent and public, so this holds here too. No actor
    is the floor itself (imports, the demo), never a request."""
    if actor is None or roles.is_operator(actor):
        return
    producer = roles.producer_of(actor)
    if producer is None or producer.pk != producer_id:
        raise ValidationError(_("You may not record events for this producer's lots."))


def lot_create(
    *,
    product: Any,
    code: str,
    production_date: date,
    quantity: Decimal,
    unit: str,
    actor: Any,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    ocop_certificate: str = "",
    gi_certificate: str = "",
    details: str = "",
    attachments: Iterable[Any] = (),
    event_time: datetime | None = None,
    schema_version: int | None = None,
) -> Lot:
    """Register a lot of ``product`` and record its commissioning (harvest/production) event.

    ``schema_version`` is for the demo and tests, which keep schema-1 lots."""
    _ensure_may_record(actor=actor, producer_id=product.producer_id)
    if not gs1.is_valid_lot(code):
        raise ValidationError({"code": _("This is not a valid lot code.")})
    if product.producer_id is None or product.origin_ward_code is None:
        raise ValidationError(_("The product needs a producer and a commune of origin."))
    product_gtin_ensure(product=product)
    ward, province = geo.ward(product.origin_ward_code), geo.province(product.origin_province_code)
    lot = Lot(
        product=product,
        producer_id=product.producer_id,
        code=code,
        production_date=production_date,
        origin_province_code=product.origin_province_code,
        origin_province_name=province.name if province else "",
        origin_ward_code=product.origin_ward_code,
        origin_ward_name=ward.name if ward else "",
        latitude=latitude,
        longitude=longitude,
        quantity=quantity,
        unit=unit,
        ocop_certificate=ocop_certificate,
        gi_certificate=gi_certificate,
    )
    lot.full_clean()
    files = store_attachments(attachments)
    with transaction.atomic():
        lot.save()
        append_event(
            lot=lot,
            biz_step=BizStep.COMMISSIONING,
            actor=actor,
            role="producer",
            event_time=event_time,
            details=details,
            files=files,
            quantity=lot.quantity,
            ilmd=lot_master_data(lot, schema_version=schema_version or settings.TRACE_EVENT_SCHEMA),
            schema_version=schema_version,
        )
    return lot


def event_record(
    *,
    lot: Lot,
    biz_step: str,
    actor: Any,
    details: str = "",
    attachments: Iterable[Any] = (),
    quantity: Decimal | None = None,
    event_time: datetime | None = None,
    role: str = "producer",
    corrects: Event | None = None,
    schema_version: int | None = None,
) -> Event:
    """Record a later step of a lot (packing, shipping, receiving, processing, a correction).

    Recorded events are never changed. A correction is a new event that names the earlier
    event it corrects (``corrects``, by event ID and digest) and says in ``details`` what was
    wrong; the lot page and the EPCIS export show the earlier event as corrected.
    """
    _ensure_may_record(actor=actor, producer_id=lot.producer_id)
    if biz_step in (BizStep.COMMISSIONING, BizStep.INSPECTING):
        raise ValidationError(_("Use the lot and inspection forms for this step."))
    extensions: dict[str, Any] = {}
    if corrects is not None:
        if corrects.lot_id != lot.pk:
            raise ValidationError(_("A correction can only correct an event of the same lot."))
        if not details.strip():
            raise ValidationError(_("Say what was wrong in the event you correct."))
        extensions["chophien:correction"] = {
            "eventID": corrects.event_id,
            "digest": corrects.digest,
        }
    inputs = []
    if biz_step == BizStep.TRANSFORMING:
        inputs = [LotQuantity(lot=lot.epc_class)]  # processed from its own harvest
    disposition = {"shipping": "in_transit", "receiving": "in_progress"}.get(biz_step)
    files = store_attachments(attachments)
    with transaction.atomic():
        return append_event(
            lot=lot,
            biz_step=biz_step,
            actor=actor,
            role=role,
            event_time=event_time,
            details=details,
            files=files,
            quantity=quantity,
            inputs=inputs,
            disposition=disposition,
            extensions=extensions,
            schema_version=schema_version,
        )
