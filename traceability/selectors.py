"""Reads: lots by Digital Link, their history and proof bundle, verification, queues, recalls."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import roles
from shop.links import absolute_url
from traceability import gs1, ledger
from traceability.certificates import attestation_item
from traceability.completeness import STOPS_EARLY, Completeness
from traceability.heads import filter_contains, lot_key
from traceability.models import (
    AnchorBatch,
    BizStep,
    Certificate,
    Event,
    EventAttachment,
    EventDisclosure,
    HeldLabReport,
    InspectorKey,
    Lot,
    LotHead,
    LotShipment,
    RegistryDeployment,
)
from traceability.proofs import BUNDLE_VERSION, Domain, LotVerdict, verify_bundle

FLAGGED_PRODUCTS_KEY = "trace:flagged-products"


def registry_current(*, chain_id: int | None = None) -> RegistryDeployment | None:
    """The registry new anchors and signatures use: ``CHAIN_REGISTRY_ADDRESS``, else the last
    one deployed."""
    registries = RegistryDeployment.objects.all()
    if settings.CHAIN_REGISTRY_ADDRESS:
        registries = registries.filter(address__iexact=settings.CHAIN_REGISTRY_ADDRESS)
    if chain_id is not None:
        registries = registries.filter(chain_id=chain_id)
    return registries.order_by("-pk").first()


def flagged_product_ids() -> frozenset[int]:
    """Products with a flagged lot (cached; services clear the cache when a flag changes)."""
    found = cache.get(FLAGGED_PRODUCTS_KEY)
    if found is None:
        found = frozenset(
            Lot.objects.filter(flagged_at__isnull=False).values_list("product_id", flat=True)
        )
        cache.set(FLAGGED_PRODUCTS_KEY, found, 300)
    return found


def lot_by_digital_link(*, gtin: str, code: str) -> Lot | None:
    """The lot that ``/01/<gtin>/10/<code>`` names, or ``None``."""
    if not gs1.is_valid_gtin(gtin) or not gs1.is_valid_lot(code):
        return None
    full = gtin.zfill(14)
    forms = {full, full[1:], full[2:], full[6:]}  # stored as GTIN-14, -13, -12 or -8
    return (
        Lot.objects.select_related("product", "producer")
        .filter(product__gtin__in=forms, code=code)
        .first()
    )


def product_by_gtin(*, gtin: str) -> Any:
    """The product with GTIN ``gtin`` (any length; stored as GTIN-14, -13, -12 or -8), or
    ``None``."""
    if not gs1.is_valid_gtin(gtin):
        return None
    full = gtin.zfill(14)
    product_model = Lot._meta.get_field("product").related_model
    return product_model.objects.filter(gtin__in={full, full[1:], full[2:], full[6:]}).first()


def product_has_valid_certificate(*, product: Any, now: Any) -> bool:
    """Whether a signed certificate of ``product`` is valid at ``now`` and not revoked."""
    return Certificate.objects.filter(
        product=product, revoked_at=None, valid_from__lte=now, valid_until__gt=now
    ).exists()


def lots_matching_code(*, code: str) -> QuerySet[Lot]:
    return Lot.objects.select_related("product", "producer").filter(code__iexact=code.strip())


def lot_events(*, lot: Lot) -> list[Event]:
    """A lot's events in chain order, with proofs, batches and attachments (fixed query count)."""
    return list(
        Event.objects.filter(lot=lot)
        .select_related("proof__batch__registry", "actor")
        .prefetch_related(
            Prefetch("attachments", queryset=EventAttachment.objects.order_by("pk")),
            Prefetch("disclosures", queryset=EventDisclosure.objects.order_by("pk")),
        )
        .order_by("seq")
    )


def _proof_of(event: Event) -> Any:
    try:
        return event.proof
    except Event.proof.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def event_anchor(event: Event) -> dict[str, Any] | None:
    proof = _proof_of(event)
    if proof is None or proof.batch.state != AnchorBatch.State.CONFIRMED:
        return None
    batch = proof.batch
    return {
        "root": batch.root,
        "proof": list(proof.proof),
        "chainId": batch.registry.chain_id,
        "contract": batch.registry.address,
        "txHash": batch.tx_hash,
        "blockNumber": batch.block_number,
        "anchoredAt": batch.anchored_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _event_object(event: Event) -> Any:
    try:
        return json.loads(event.canonical)
    except ValueError:
        return None


def lot_uri(lot: Lot) -> str:
    return absolute_url(lot.digital_link_path)


def lot_head(*, lot: Lot) -> LotHead | None:
    """The lot's latest head committed by a confirmed batch."""
    return (
        LotHead.objects.filter(lot=lot, batch__state=AnchorBatch.State.CONFIRMED)
        .select_related("batch__registry")
        .order_by("-count", "-batch_id")
        .first()
    )


def head_claim(head: LotHead | None) -> dict[str, Any] | None:
    """A head as the bundle's ``head`` member (``PROOF_FORMAT.md``, "Heads")."""
    if head is None:
        return None
    batch = head.batch
    return {
        "root": batch.root,
        "headsRoot": batch.heads_root,
        "digest": head.digest,
        "count": head.count,
        "proof": list(head.proof),
        "chainId": batch.registry.chain_id,
        "contract": batch.registry.address,
        "txHash": batch.tx_hash,
        "blockNumber": batch.block_number,
        "anchoredAt": batch.anchored_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def lot_absences(*, lot: Lot) -> list[dict[str, Any]]:
    """For every confirmed batch after the lot's head whose lot filter matches the lot's key by
    chance, the batch's whole list of heads, proving the lot is not in it (``PROOF_FORMAT.md``,
    check 7). Only the registries the bundle names count: those of its anchors and its head.

    Cached until another batch of those registries is confirmed.
    """
    key = lot_key(lot.epc_class)
    confirmed = AnchorBatch.objects.filter(state=AnchorBatch.State.CONFIRMED)
    registries = set(
        confirmed.filter(proofs__event__lot=lot).values_list("registry_id", flat=True).distinct()
    )
    if not registries:
        return []
    head = lot_head(lot=lot)
    later = confirmed.filter(registry_id__in=registries).exclude(heads_root="")
    if head is not None:
        later = later.exclude(registry_id=head.batch.registry_id, pk__lte=head.batch_id)
    last = later.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return []
    cache_key = f"trace:absences:{lot.pk}:{head.batch_id if head else 0}:{last}"
    found = cache.get(cache_key)
    if found is not None:
        return found
    matching = [
        pk
        for pk, lots in later.exclude(heads__lot=lot).values_list("pk", "lots_filter").iterator()
        if filter_contains(bytes.fromhex(lots), key)
    ]
    absences: dict[int, dict[str, Any]] = {}
    for batch in AnchorBatch.objects.filter(pk__in=matching).select_related("registry"):
        absences[batch.pk] = {
            "chainId": batch.registry.chain_id,
            "contract": batch.registry.address,
            "root": batch.root,
            "headsRoot": batch.heads_root,
            "heads": [],
        }
    rows = LotHead.objects.filter(batch_id__in=matching).order_by("batch_id", "pk")
    for batch_id, *head_row in rows.values_list("batch_id", "key", "digest", "count"):
        absences[batch_id]["heads"].append(head_row)
    found = [absences[pk] for pk in sorted(absences)]
    cache.set(cache_key, found, settings.CHAIN_LOOKUP_CACHE_SECONDS)
    return found


def product_certificates(*, product: Any) -> QuerySet[Certificate]:
    """Every certificate of a product, withdrawn and expired ones included, oldest first."""
    return Certificate.objects.filter(product=product).order_by("valid_from", "pk")


def product_rating_certificate(*, product: Any) -> Certificate | None:
    """The valid OCOP certificate behind the product's stars (the one valid longest), or None.
    One query; ``traceability.services.certificates`` keeps the stars in step with it."""
    now = timezone.now()
    accredited = InspectorKey.objects.filter(accredited_at__isnull=False).values("address")
    return (
        Certificate.objects.filter(
            product=product,
            kind=Certificate.Kind.OCOP,
            level=product.ocop_stars,
            revoked_at=None,
            valid_from__lte=now,
            valid_until__gt=now,
            signer__in=accredited,
        )
        .order_by("-valid_until")
        .first()
    )


def certificate_attestation(certificate: Certificate) -> dict[str, Any]:
    """A certificate as an item of the bundle's ``attestations``."""
    return attestation_item(
        message=certificate.typed_data,
        domain=Domain(chain_id=certificate.chain_id, contract=certificate.contract),
        signer=certificate.signer,
        signature=certificate.signature,
        revoked_at=certificate.revoked_at,
    )


def lot_attestations(*, lot: Lot) -> list[dict[str, Any]]:
    """The signed certificates of the lot's product (``PROOF_FORMAT.md``, "Certificates"):
    all of them, so a verifier sees the history (expired and withdrawn ones say so)."""
    return [certificate_attestation(c) for c in product_certificates(product=lot.product_id)]


def lot_bundle(*, lot: Lot, events: list[Event] | None = None) -> dict[str, Any]:
    """The lot's proof bundle, version 2 (``traceability/PROOF_FORMAT.md``)."""
    events = lot_events(lot=lot) if events is None else events
    return {
        "version": BUNDLE_VERSION,
        "lot": {
            "gtin": lot.gtin14,
            "lot": lot.code,
            "uri": lot_uri(lot),
            "key": lot_key(lot.epc_class),
        },
        "events": [
            {
                "event": _event_object(event),
                "digest": event.digest,
                "disclosures": [d.as_json() for d in event.disclosures.all()],
                "signature": (
                    {"scheme": "EIP-712", "signer": event.signer, "value": event.signature}
                    if event.signature
                    else None
                ),
                "anchor": event_anchor(event),
            }
            for event in events
        ],
        "head": head_claim(lot_head(lot=lot)),
        "absences": lot_absences(lot=lot),
        "attestations": lot_attestations(lot=lot),
    }


@dataclass(frozen=True)
class CompletenessNote:
    """What the lot page says about check 7 (``PROOF_FORMAT.md``), in the reader's language."""

    state: str
    """``complete``, ``not_provable``, ``unchecked`` or ``incomplete`` (``Completeness``)."""
    words: str
    ok: bool | None
    """True: complete; False: the history was shortened or does not match; None: can't say."""
    count: int | None = None
    """Events up to the lot's latest anchored head."""


def completeness_note(verdict: LotVerdict, bundle: dict[str, Any]) -> CompletenessNote | None:
    state = verdict.completeness
    head = bundle.get("head") or {}
    count = head.get("count")
    if state is None:
        return None
    if state is Completeness.COMPLETE:
        words = _(
            "The history is complete: it holds every event up to the last one anchored on the "
            "ledger."
        )
        return CompletenessNote(state=state.value, words=words, ok=True, count=count)
    if state is Completeness.INCOMPLETE:
        if STOPS_EARLY in verdict.problems:
            words = _("This history stops before its last anchored event.")
        else:
            words = _("The head recorded on the ledger does not match this history.")
        return CompletenessNote(state=state.value, words=words, ok=False, count=count)
    if state is Completeness.UNCHECKED:
        words = _("The ledger could not be asked whether this history is complete.")
    elif any(item.get("anchor") for item in bundle.get("events") or ()):
        words = _(
            "Completeness cannot be proven: this lot was anchored before the ledger recorded "
            "each lot's latest event."
        )
    else:
        words = _("Completeness can be proven once the lot's events are anchored.")
    return CompletenessNote(state=state.value, words=words, ok=None, count=count)


@dataclass
class LotCheck:
    verdict: LotVerdict
    events: list[Event]
    bundle: dict[str, Any]

    @property
    def status(self) -> str:
        return self.verdict.status.value

    @property
    def completeness(self) -> CompletenessNote | None:
        """Check 7 in words for the lot page (``None``: not checked)."""
        return completeness_note(self.verdict, self.bundle)


def lot_check(*, lot: Lot) -> LotCheck:
    """Verify a lot live: stored data against digests, chain, proofs, completeness and the
    ledger (cached)."""
    events = lot_events(lot=lot)
    bundle = lot_bundle(lot=lot, events=events)
    domains = {
        index: Domain(chain_id=event.signature_chain_id, contract=event.signature_contract)
        for index, event in enumerate(events)
        if event.signature and event.signature_chain_id is not None
    }
    verdict = verify_bundle(
        bundle,
        anchored_at=ledger.cached_anchored_at,
        is_inspector=ledger.cached_is_inspector,
        signature_domains=domains,
        heads_logs=ledger.cached_heads_logs,
    )
    verdict.problems.extend(_master_data_problems(lot, events))
    return LotCheck(verdict=verdict, events=events, bundle=bundle)


def _master_data_problems(lot: Lot, events: list[Event]) -> list[str]:
    """The lot row must still say what its (hashed) commissioning event says."""
    if not events:
        return ["the lot has no history"]
    first = _event_object(events[0])
    if not isinstance(first, dict) or first.get("bizStep") != BizStep.COMMISSIONING:
        return ["the lot's history does not start with its harvest or production"]
    ilmd = first.get("ilmd") or {}
    origin = ilmd.get("chophien:origin") or {}
    element = (first.get("quantityList") or [{}])[0]
    certificates = ilmd.get("chophien:certificates") or {}
    recorded = {
        "code": ilmd.get("cbvmda:lotNumber"),
        "gtin": ilmd.get("chophien:gtin"),
        "date": ilmd.get("chophien:productionDate"),
        "origin": (
            origin.get("provinceCode"),
            origin.get("provinceName"),
            origin.get("wardCode"),
            origin.get("wardName"),
        ),
        "quantity": (_decimal(element.get("quantity")), element.get("uom")),
        "certificates": (certificates.get("ocop", ""), certificates.get("gi", "")),
        "class": element.get("epcClass"),
    }
    current = {
        "code": lot.code,
        "gtin": lot.gtin14,
        "date": lot.production_date.isoformat(),
        "origin": (
            lot.origin_province_code,
            lot.origin_province_name,
            lot.origin_ward_code,
            lot.origin_ward_name,
        ),
        "quantity": (_decimal(lot.quantity), lot.unit),
        "certificates": (lot.ocop_certificate, lot.gi_certificate),
        "class": lot.epc_class,
    }
    changed = sorted(key for key in recorded if recorded[key] != current[key])
    if changed:
        return [f"the lot record differs from its harvest event ({', '.join(changed)})"]
    return []


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def lots_awaiting_inspection() -> QuerySet[Lot]:
    """Lots never inspected, oldest first."""
    inspected = Event.objects.filter(lot=OuterRef("pk"), biz_step=BizStep.INSPECTING)
    return (
        Lot.objects.select_related("product", "producer")
        .annotate(inspected=Exists(inspected))
        .filter(inspected=False)
        .order_by("production_date", "pk")
    )


def lots_flagged() -> QuerySet[Lot]:
    return (
        Lot.objects.select_related("product", "producer")
        .filter(flagged_at__isnull=False)
        .order_by("-flagged_at")
    )


def lots_for_user(*, user: Any) -> QuerySet[Lot]:
    """Lots a user may manage: all for operators, a producer's own for its users while they have
    access (``shop.roles``), none for anyone else."""
    lots = Lot.objects.select_related("product", "producer")
    if roles.is_operator(user):
        return lots
    producer = roles.producer_of(user)
    return lots.filter(producer=producer) if producer is not None else lots.none()


def lot_recall(*, lot: Lot) -> QuerySet[LotShipment]:
    """Every order line shipped from ``lot``: order, buyer, address and quantity."""
    return (
        LotShipment.objects.filter(lot=lot)
        .select_related(
            "order_line__order__user",
            "order_line__order__shipping_address",
            "order_line__order__shipping_address__country",
        )
        .order_by("order_line__order__date_placed", "pk")
    )


def batches_recent(*, limit: int = 20) -> QuerySet[AnchorBatch]:
    return AnchorBatch.objects.select_related("registry").order_by("-pk")[:limit]


def held_lab_report(*, inspector: Any, lot: Lot, token: str | None = None) -> HeldLabReport | None:
    """The lab report kept for `inspector`'s next try on `lot` (the one named by `token` when
    the form sends it back), unless it has expired."""
    cutoff = timezone.now() - timedelta(seconds=settings.TRACE_HELD_REPORT_SECONDS)
    held = HeldLabReport.objects.filter(inspector=inspector, lot=lot, created_at__gte=cutoff)
    if token is not None:
        try:
            held = held.filter(token=uuid.UUID(token))
        except ValueError:
            return None
    return held.order_by("-created_at").first()
