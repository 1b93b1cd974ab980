"""Writes: lots, events, inspections, anchoring batches, keys, GTINs, scans and shipments.

Rules kept here: a lot's events are appended one at a time under a row lock on the lot (so the
hash chain never forks); nothing talks to the chain inside a database transaction; anchoring is
a small state machine that can be resumed at any step after a crash.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Coalesce, Length, Now
from django.utils import timezone
from django.utils.translation import gettext as _
from eth_account import Account
from oscar.core.loading import get_model

from shop import geo, roles
from shop.outbox.services import outbox_enqueue
from shop.uploads.files import LOT_ATTACHMENT, upload_clean
from shop.uploads.storage import private
from traceability import gs1, ledger
from traceability.canonical import Location, LotQuantity, build_event, canonical_json, event_digest
from traceability.chain import AnchorRegistryClient, ChainError, TxState
from traceability.merkle import build_tree
from traceability.models import (
    AnchorBatch,
    AnchorSubmission,
    BizStep,
    Event,
    EventAttachment,
    EventProof,
    InspectorKey,
    Lot,
    LotScan,
    LotShipment,
    RegistryDeployment,
)
from traceability.proofs import Domain, attestation_sign
from traceability.selectors import FLAGGED_PRODUCTS_KEY, registry_current

logger = logging.getLogger(__name__)
Product = get_model("catalogue", "Product")

MIN_PASSPHRASE_LENGTH = 12


def lease_seconds() -> int:
    """How long a worker may hold a batch without renewing: a few polls and RPC time-outs."""
    return max(10, int(4 * settings.TRACE_POLL_SECONDS + 3 * settings.CHAIN_RPC_TIMEOUT))


# --------------------------------------------------------------------------- GS1


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


# --------------------------------------------------------------------------- lots and events


@dataclass(frozen=True)
class StoredFile:
    name: str
    path: str
    media_type: str
    sha256: str


def _store_attachments(files: Iterable[Any]) -> list[StoredFile]:
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


def lot_master_data(lot: Lot) -> dict[str, Any]:
    """The lot's facts as its commissioning event records them (``ilmd``)."""
    data: dict[str, Any] = {
        "cbvmda:lotNumber": lot.code,
        "cbvmda:countryOfOrigin": "VN",
        "chophien:gtin": lot.gtin14,
        "chophien:productName": lot.product.title,
        "chophien:producer": {"code": lot.producer.code, "name": lot.producer.name},
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
    name = (user.get_full_name() if user is not None else "") or getattr(user, "username", "")
    return {"name": name or _("Chợ Phiên"), "role": role}


def _append_event(
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
) -> Event:
    """Append one event to a lot's chain. Call inside a transaction."""
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
    )
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
) -> Lot:
    """Register a lot of ``product`` and record its commissioning (harvest/production) event."""
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
    files = _store_attachments(attachments)
    with transaction.atomic():
        lot.save()
        _append_event(
            lot=lot,
            biz_step=BizStep.COMMISSIONING,
            actor=actor,
            role="producer",
            event_time=event_time,
            details=details,
            files=files,
            quantity=lot.quantity,
            ilmd=lot_master_data(lot),
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
    files = _store_attachments(attachments)
    with transaction.atomic():
        return _append_event(
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
        )


# --------------------------------------------------------------------------- inspectors


def inspector_key_create(*, user: Any, passphrase: str) -> InspectorKey:
    """Create an inspector's signing key, kept only as a V3 keystore (scrypt) of ``passphrase``."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("The signing passphrase needs at least %(n)d characters.")
            % {"n": MIN_PASSPHRASE_LENGTH}
        )
    if InspectorKey.objects.filter(user=user, revoked_at=None).exists():
        raise ValidationError(_("You already have a signing key."))
    account = Account.create()
    keystore = Account.encrypt(
        account.key, passphrase, kdf="scrypt", iterations=settings.TRACE_KEYSTORE_SCRYPT_N
    )
    return InspectorKey.objects.create(user=user, address=account.address, keystore=keystore)


def _unlock(key: InspectorKey, passphrase: str) -> bytes:
    try:
        return bytes(Account.decrypt(key.keystore, passphrase))
    except ValueError:
        raise ValidationError(_("The signing passphrase is wrong.")) from None


def inspection_record(
    *,
    lot: Lot,
    inspector: Any,
    result: str,
    notes: str,
    passphrase: str,
    lab_report: Any | None = None,
    event_time: datetime | None = None,
) -> Event:
    """Record an inspection signed with the inspector's key; a failed one flags the lot.

    The keystore is unlocked here, just before signing, and the key is dropped right after.
    """
    if result not in ("pass", "fail"):
        raise ValidationError(_("Choose the inspection result."))
    if not roles.is_inspector(inspector):
        raise ValidationError(_("Only inspectors can record inspections."))
    key = InspectorKey.objects.filter(user=inspector, revoked_at=None).first()
    if key is None:
        raise ValidationError(_("Create your signing key first."))
    registry = registry_current()
    if registry is None:
        raise ValidationError(_("The ledger is not set up yet; inspections cannot be signed."))
    private_key = _unlock(key, passphrase)
    files = _store_attachments([lab_report] if lab_report else [])
    try:
        with transaction.atomic():
            event = _append_event(
                lot=lot,
                biz_step=BizStep.INSPECTING,
                actor=inspector,
                role="inspector",
                event_time=event_time,
                details=notes,
                files=files,
                disposition="conformant" if result == "pass" else "non_conformant",
                extensions={"chophien:inspection": {"result": result}},
                signing=(private_key, ledger.domain_of(registry)),
            )
            if result == "fail":
                Lot.objects.filter(pk=lot.pk).update(flagged_at=Now(), flag_reason=notes)
            else:
                Lot.objects.filter(pk=lot.pk).update(flagged_at=None, flag_reason="")
            # now (this request sees it) and again once committed (no stale copy survives)
            _flags_changed()
            transaction.on_commit(_flags_changed)
    finally:
        del private_key
    return event


def _flags_changed() -> None:
    from shop.pagecache import bump_generation

    cache.delete(FLAGGED_PRODUCTS_KEY)
    bump_generation()


def inspector_accreditation_queue(*, key: InspectorKey, allowed: bool = True) -> None:
    """Have a worker (dis)allow `key` on the ledger: durably queued, carried out once committed."""
    outbox_enqueue(
        task="traceability.accredit_inspector", kwargs={"key_id": key.pk, "allowed": allowed}
    )


def inspector_accredit(*, key: InspectorKey, allowed: bool = True, timeout: float = 120) -> str:
    """Add (or remove) an inspector's address in the on-chain registry; wait for the receipt."""
    registry = registry_current()
    if registry is None:
        raise ValidationError(_("The ledger is not set up yet."))
    client = ledger.client(registry=registry, signing=True)
    tx_hash = client.set_inspector(address=key.address, allowed=allowed)
    _wait_receipt(client, tx_hash, timeout=timeout)
    InspectorKey.objects.filter(pk=key.pk).update(
        accredited_at=timezone.now() if allowed else None, accreditation_tx=tx_hash
    )
    for domain in (ledger.domain_of(registry),):
        cache.delete(ledger._cache_key("inspector", domain, key.address))
    return tx_hash


def _wait_receipt(client: AnchorRegistryClient, tx_hash: str, *, timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    while True:
        status = client.tx_status(tx_hash)
        if status.state is TxState.CONFIRMED:
            return
        if status.state is TxState.REVERTED:
            raise ChainError(f"transaction {tx_hash} reverted")
        if time.monotonic() > deadline:
            raise ChainError(f"transaction {tx_hash} not mined within {timeout} s")
        time.sleep(0.5)


# --------------------------------------------------------------------------- the registry


def registry_deploy(*, timeout: float = 120) -> tuple[RegistryDeployment, bool]:
    """Deploy the AnchorRegistry once per chain and allow our account to anchor.

    Returns ``(deployment, created)``; an existing deployment whose code is still on the chain
    is kept (so anchors already made stay verifiable).
    """
    web3 = ledger.web3()
    try:
        chain_id = int(web3.eth.chain_id)
        existing = registry_current(chain_id=chain_id)
        if existing is not None and len(web3.eth.get_code(existing.address)) > 0:
            return existing, False
    except ChainError:
        raise
    except Exception as exc:  # noqa: BLE001 - the node is not there
        raise ChainError(f"deploy: node unavailable ({type(exc).__name__})") from exc
    account = ledger.anchor_account()
    client = AnchorRegistryClient.deploy(web3=web3, account=account, timeout=timeout)
    _wait_receipt(
        client, client.set_anchorer(address=account.address, allowed=True), timeout=timeout
    )
    deployed_block = int(web3.eth.block_number)
    registry = RegistryDeployment.objects.create(
        chain_id=chain_id,
        address=client.address,
        owner=account.address,
        tx_hash="",
        block_number=max(deployed_block - 1, 0),
    )
    return registry, True


# --------------------------------------------------------------------------- anchoring


def batch_open(*, now: datetime | None = None) -> AnchorBatch | None:
    """Return the batch to work on: the unfinished one, or a new one of un-anchored events.

    A new batch is made when at least ``TRACE_BATCH_MIN`` events wait, or when the oldest has
    waited ``TRACE_BATCH_MAX_WAIT`` seconds. Its Merkle tree is built and every proof stored
    before anything is sent, so a crash after this point loses nothing.
    """
    registry = registry_current()
    if registry is None:
        return None
    unfinished = (
        AnchorBatch.objects.filter(registry=registry)
        .exclude(state=AnchorBatch.State.CONFIRMED)
        .first()
    )
    if unfinished is not None:
        return unfinished
    waiting = list(
        Event.objects.filter(proof__isnull=True)
        .order_by("pk")
        .values_list("pk", "digest", "recorded_at")[: settings.TRACE_BATCH_MAX]
    )
    if not waiting:
        return None
    now = now or timezone.now()
    oldest = min(recorded for _, _, recorded in waiting)
    if len(waiting) < settings.TRACE_BATCH_MIN and now - oldest < timedelta(
        seconds=settings.TRACE_BATCH_MAX_WAIT
    ):
        return None
    tree = build_tree(digest for _, digest, _ in waiting)
    try:
        with transaction.atomic():
            batch = AnchorBatch.objects.create(
                registry=registry, root=tree.root_hex, count=len(waiting)
            )
            EventProof.objects.bulk_create(
                [
                    EventProof(
                        event_id=pk,
                        batch=batch,
                        proof=["0x" + node.hex() for node in tree.proof(digest)],
                    )
                    for pk, digest, _ in waiting
                ],
                batch_size=2000,
            )
    except IntegrityError:  # another worker opened a batch meanwhile: work on that one
        return (
            AnchorBatch.objects.filter(registry=registry)
            .exclude(state=AnchorBatch.State.CONFIRMED)
            .first()
        )
    return batch


def batch_lease(*, batch_id: int, owner: str) -> bool:
    """Take (or renew) the right to advance a batch; one conditional UPDATE, no lock held."""
    now = timezone.now()
    seconds = lease_seconds()
    taken = (
        AnchorBatch.objects.filter(pk=batch_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner))
        .update(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
    )
    return bool(taken)


def batch_release(*, batch_id: int, owner: str) -> None:
    AnchorBatch.objects.filter(pk=batch_id, lease_owner=owner).update(
        lease_owner="", lease_until=None
    )


def batch_note_error(*, batch_id: int, error: str) -> None:
    AnchorBatch.objects.filter(pk=batch_id).update(last_error=error[:2000])


def batch_advance(*, batch_id: int) -> AnchorBatch:
    """Move a batch one step on; safe to call again at any time, from any process.

    pending -> (sign, record the hash, send) -> submitted -> (enough confirmations) -> confirmed.
    A dropped or reverted transaction is resubmitted, unless the chain already holds the root
    (then the transaction that anchored it is found in the logs): the contract refuses a root
    twice, so an event is never anchored twice. Chain errors propagate as ``ChainError``.
    """
    batch = AnchorBatch.objects.select_related("registry").get(pk=batch_id)
    if batch.state == AnchorBatch.State.CONFIRMED:
        return batch
    client = ledger.client(registry=batch.registry, signing=True)

    if batch.tx_hash:
        status = client.tx_status(batch.tx_hash)
        if status.state is TxState.CONFIRMED:
            if status.confirmations >= settings.CHAIN_CONFIRMATIONS:
                return _batch_confirm(batch, client, status.block_number, status.gas_used)
            return batch
        if status.state is TxState.PENDING:
            return batch
        AnchorSubmission.objects.filter(tx_hash=batch.tx_hash).update(outcome=status.state)
        logger.warning("anchoring transaction %s %s; resubmitting", batch.tx_hash, status.state)

    if client.anchored_at(batch.root):
        found = client.find_anchor(batch.root, from_block=batch.registry.block_number)
        if found is not None:
            AnchorBatch.objects.filter(pk=batch.pk).update(
                tx_hash=found.tx_hash, state=AnchorBatch.State.SUBMITTED
            )
            batch.refresh_from_db()
            return batch

    signed = client.prepare_anchor(root=batch.root, count=batch.count)
    with transaction.atomic():  # recorded before it is sent: a crash can't lose track of it
        AnchorSubmission.objects.get_or_create(
            tx_hash=signed.tx_hash, defaults={"batch": batch, "nonce": signed.nonce}
        )
        AnchorBatch.objects.filter(pk=batch.pk).update(
            tx_hash=signed.tx_hash,
            state=AnchorBatch.State.SUBMITTED,
            attempts=F("attempts") + 1,
            last_error="",
        )
    client.send(signed)
    batch.refresh_from_db()
    return batch


def _batch_confirm(
    batch: AnchorBatch,
    client: AnchorRegistryClient,
    block_number: int | None,
    gas_used: int | None,
) -> AnchorBatch:
    timestamp = client.anchored_at(batch.root)
    if not timestamp:  # mined, yet the root is not there: treat as reverted
        raise ChainError(f"transaction {batch.tx_hash} is mined but the root is not anchored")
    AnchorBatch.objects.filter(pk=batch.pk).update(
        state=AnchorBatch.State.CONFIRMED,
        block_number=block_number,
        gas_used=gas_used,
        anchored_at=datetime.fromtimestamp(timestamp, tz=UTC),
        confirmed_at=timezone.now(),
        last_error="",
        lease_owner="",
        lease_until=None,
    )
    AnchorSubmission.objects.filter(tx_hash=batch.tx_hash).update(outcome="confirmed")
    ledger.forget_root(domain=ledger.domain_of(batch.registry), root=batch.root)
    batch.refresh_from_db()
    logger.info("anchored %s events under %s in %s", batch.count, batch.root, batch.tx_hash)
    return batch


# --------------------------------------------------------------------------- scans, shipments


def lot_scan_record(*, lot_id: int, visitors: Sequence[str]) -> bool:
    """Count a scan of a lot's label once per visitor: when none of ``visitors`` (keyed digests
    naming one visitor in different ways) has scanned this lot before. True when counted."""
    with transaction.atomic():
        # The lot's row lock orders concurrent scans, so a visitor's reloads count once.
        Lot.objects.select_for_update().filter(pk=lot_id).values_list("pk").first()
        seen = LotScan.objects.filter(lot_id=lot_id, visitor__in=visitors).exists()
        LotScan.objects.bulk_create(
            [LotScan(lot_id=lot_id, visitor=visitor) for visitor in visitors],
            ignore_conflicts=True,
        )
        if not seen:
            Lot.objects.filter(pk=lot_id).update(
                scan_count=F("scan_count") + 1,
                first_scanned_at=Coalesce("first_scanned_at", Now()),
            )
    return not seen


def lot_shipment_record_for_order(*, lot: Lot, order_number: str, quantity: int) -> LotShipment:
    """Record that an order's line for the lot's product was shipped from ``lot``."""
    Line = get_model("order", "Line")
    line = (
        Line.objects.filter(order__number=order_number.strip(), product_id=lot.product_id)
        .order_by("pk")
        .first()
    )
    if line is None:
        raise ValidationError(_("This order has no line for this lot's product."))
    return lot_shipment_record(order_line=line, lot=lot, quantity=quantity)


def lot_shipment_record(*, order_line: Any, lot: Lot, quantity: int) -> LotShipment:
    """Record that ``quantity`` units of ``order_line`` were shipped from ``lot``."""
    if quantity <= 0:
        raise ValidationError(_("The quantity must be positive."))
    if order_line.product_id != lot.product_id:
        raise ValidationError(_("This lot is of another product."))
    if lot.flagged_at is not None:
        raise ValidationError(_("This lot is flagged and cannot be shipped."))
    others = order_line.lot_shipments.exclude(lot=lot).aggregate(n=Coalesce(Sum("quantity"), 0))
    total = others["n"] + quantity
    if total > order_line.quantity:
        raise ValidationError(_("More than the order line's quantity."))
    shipment, _created = LotShipment.objects.update_or_create(
        order_line=order_line, lot=lot, defaults={"quantity": quantity}
    )
    return shipment
