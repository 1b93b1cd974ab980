"""Lots, their append-only event history, anchoring batches, inspector keys and shipments.

Events (with their attachments and Merkle proofs) are append-only. The database refuses to
update or delete them (a trigger, see migration 0002); the model layer refuses too, so a
mistake fails loudly before it reaches the database. A correction is a new event.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.uploads.storage import private_storage
from traceability import gs1

lot_code_validator = RegexValidator(
    regex=r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$",
    message=_("Use at most 20 letters, digits or GS1 punctuation (no spaces, no accents)."),
)


class Unit(models.TextChoices):
    """UN/CEFACT Recommendation 20 codes, as EPCIS quantities use them."""

    KILOGRAM = "KGM", _("kg")
    GRAM = "GRM", _("g")
    LITRE = "LTR", _("l")
    MILLILITRE = "MLT", _("ml")
    PIECE = "H87", _("piece")


class BizStep(models.TextChoices):
    COMMISSIONING = "commissioning", _("Harvest or production")
    INSPECTING = "inspecting", _("Inspection")
    TRANSFORMING = "transforming", _("Processing")
    PACKING = "packing", _("Packing")
    SHIPPING = "shipping", _("Shipping")
    RECEIVING = "receiving", _("Receiving")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class RegistryDeployment(models.Model):
    """An AnchorRegistry contract deployed by ``manage.py trace_deploy``."""

    chain_id = models.BigIntegerField(_("Chain ID"))
    address = models.CharField(_("Contract address"), max_length=42)
    owner = models.CharField(_("Owner"), max_length=42)
    tx_hash = models.CharField(_("Transaction"), max_length=66)
    block_number = models.BigIntegerField(_("Block"))
    deployed_at = models.DateTimeField(_("Deployed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Registry deployment")
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "address"], name="registry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.address} on chain {self.chain_id}"


class Lot(models.Model):
    """A quantity of one product from one producer."""

    product = models.ForeignKey(
        "catalogue.Product",
        verbose_name=_("Product"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    producer = models.ForeignKey(
        "partner.Partner", verbose_name=_("Producer"), on_delete=models.PROTECT, related_name="lots"
    )
    code = models.CharField(_("Lot code"), max_length=20, validators=[lot_code_validator])
    production_date = models.DateField(_("Harvest or production date"))
    origin_province_code = models.PositiveSmallIntegerField(_("Province of origin"))
    origin_province_name = models.CharField(_("Province name at the time"), max_length=100)
    origin_ward_code = models.PositiveIntegerField(_("Commune of origin"))
    origin_ward_name = models.CharField(_("Commune name at the time"), max_length=100)
    latitude = models.DecimalField(
        _("Latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("Longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    quantity = models.DecimalField(_("Quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("Unit"), max_length=3, choices=Unit.choices)
    ocop_certificate = models.CharField(_("OCOP certificate"), max_length=100, blank=True)
    gi_certificate = models.CharField(
        _("Geographical indication certificate"), max_length=100, blank=True
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    flagged_at = models.DateTimeField(_("Flagged at"), null=True, blank=True, db_index=True)
    flag_reason = models.TextField(_("Reason for the flag"), blank=True)
    scan_count = models.PositiveIntegerField(_("Scans"), default=0)  # distinct visitors (LotScan)
    first_scanned_at = models.DateTimeField(_("First scanned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lot")
        ordering = ["-production_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="lot_code_unique_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.product})"

    def get_absolute_url(self) -> str:
        """The lot's page in the active language (``/01/…`` or ``/en/01/…``)."""
        return reverse("traceability:lot", kwargs={"gtin": self.gtin14, "lot": self.code})

    @property
    def gtin14(self) -> str:
        return gs1.gtin14(self.product.gtin)

    @property
    def digital_link_path(self) -> str:
        return gs1.digital_link_path(self.product.gtin, self.code)

    @property
    def epc_class(self) -> str:
        from traceability.proofs import gs1_lot_uri

        return gs1_lot_uri(self.gtin14, self.code)


class LotScan(models.Model):
    """A visitor who scanned a lot's label on a day (Vietnam's date), kept as a keyed digest
    only (no address, no user agent, no cookie value): ``Lot.scan_count`` counts distinct
    scanners per day, not page views."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="scans")
    visitor = models.CharField(_("Visitor (keyed digest)"), max_length=64)
    day = models.DateField(_("Day"))
    created_at = models.DateTimeField(_("Scanned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Lot scan")
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "visitor", "day"], name="lot_scan_once_per_visitor_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}:{self.visitor[:8]}"


class Event(AppendOnlyModel):
    """One step of a lot's history: the exact event object that was hashed, and its digest."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("Position in the lot's history"))
    event_id = models.CharField(_("Event ID"), max_length=64, unique=True)
    biz_step = models.CharField(_("Step"), max_length=16, choices=BizStep.choices)
    event_time = models.DateTimeField(_("Time"))
    canonical = models.TextField(_("Canonical JSON"))
    digest = models.CharField(_("Digest"), max_length=66, unique=True)
    prev_digest = models.CharField(_("Previous digest"), max_length=66, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer = models.CharField(_("Signer"), max_length=42, blank=True)
    signature = models.CharField(_("Signature"), max_length=132, blank=True)
    signature_chain_id = models.BigIntegerField(null=True, blank=True)
    signature_contract = models.CharField(max_length=42, blank=True)
    recorded_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Event")
        ordering = ["lot", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "seq"], name="event_seq_unique_per_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.biz_step} #{self.seq} of lot {self.lot_id}"

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.canonical)


class EventAttachment(AppendOnlyModel):
    """A file attached to an event (lab report, photo); the event object carries its SHA-256.

    Kept in the private store and sent as a download by ``views.attachment_download``."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("File"), storage=private_storage, upload_to="traceability/%Y/%m/")
    name = models.CharField(_("Name"), max_length=200)
    media_type = models.CharField(_("Media type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("Attachment")

    def __str__(self) -> str:
        return self.name


class AnchorBatch(models.Model):
    """A Merkle tree of event digests whose root goes on chain in one transaction."""

    class State(models.TextChoices):
        PENDING = "pending", _("Built, not sent yet")
        SUBMITTED = "submitted", _("Sent, waiting for confirmations")
        CONFIRMED = "confirmed", _("Anchored")

    registry = models.ForeignKey(RegistryDeployment, on_delete=models.PROTECT, related_name="+")
    root = models.CharField(_("Merkle root"), max_length=66)
    count = models.PositiveIntegerField(_("Events"))
    heads_root = models.CharField(_("Root of the lots' heads"), max_length=66, blank=True)
    lots_filter = models.TextField(_("Lot filter (hex)"), blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    tx_hash = models.CharField(_("Transaction"), max_length=66, blank=True)
    block_number = models.BigIntegerField(_("Block"), null=True, blank=True)
    anchored_at = models.DateTimeField(_("Anchored at"), null=True, blank=True)
    gas_used = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anchoring batch")
        verbose_name_plural = _("Anchoring batches")
        constraints = [
            models.UniqueConstraint(fields=["registry", "root"], name="batch_root_unique"),
            # One account anchors, one batch at a time: nonces never race.
            models.UniqueConstraint(
                fields=["registry"],
                condition=~models.Q(state="confirmed"),
                name="one_open_batch_per_registry",
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.count} events, {self.state})"


class LotHead(AppendOnlyModel):
    """What an anchoring batch committed about a lot: its latest event in the batch and that
    event's position (``PROOF_FORMAT.md``, "Heads"), with the proof in the batch's heads tree."""

    batch = models.ForeignKey(AnchorBatch, on_delete=models.PROTECT, related_name="heads")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="heads")
    key = models.CharField(_("Lot key"), max_length=66)
    digest = models.CharField(_("Digest of the latest event"), max_length=66)
    count = models.PositiveIntegerField(_("Events up to it"))
    proof = models.JSONField()

    class Meta:
        verbose_name = _("Lot head")
        constraints = [
            models.UniqueConstraint(fields=["batch", "lot"], name="lot_head_once_per_batch"),
        ]

    def __str__(self) -> str:
        return f"head {self.count} of lot {self.lot_id} in batch {self.batch_id}"


class AnchorSubmission(models.Model):
    """Every anchoring transaction sent, recorded (with its hash) before it is sent."""

    batch = models.ForeignKey(AnchorBatch, on_delete=models.PROTECT, related_name="submissions")
    tx_hash = models.CharField(max_length=66, unique=True)
    nonce = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return self.tx_hash


class EventProof(AppendOnlyModel):
    """An event's place in an anchoring batch: the Merkle proof from its leaf to the root."""

    event = models.OneToOneField(
        Event, on_delete=models.PROTECT, primary_key=True, related_name="proof"
    )
    batch = models.ForeignKey(AnchorBatch, on_delete=models.PROTECT, related_name="proofs")
    proof = models.JSONField()

    class Meta:
        verbose_name = _("Merkle proof")

    def __str__(self) -> str:
        return f"proof of event {self.event_id}"


class InspectorKey(models.Model):
    """An inspector's signing key, kept only as a V3 (scrypt) keystore locked by a passphrase."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector_keys"
    )
    address = models.CharField(_("Address"), max_length=42, unique=True)
    keystore = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    accredited_at = models.DateTimeField(_("Accredited at"), null=True, blank=True)
    accreditation_tx = models.CharField(max_length=66, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Inspector key")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at=None), name="one_key_per_inspector"
            ),
        ]

    def __str__(self) -> str:
        return self.address


class LotShipment(models.Model):
    """Which lot (and how much of it) an order line was shipped from; recalls read this."""

    order_line = models.ForeignKey(
        "order.Line", on_delete=models.CASCADE, related_name="lot_shipments"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipments")
    quantity = models.PositiveIntegerField(_("Quantity"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Lot shipment")
        constraints = [
            models.UniqueConstraint(fields=["order_line", "lot"], name="shipment_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipment_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × lot {self.lot_id} → line {self.order_line_id}"


class HeldLabReport(models.Model):
    """A lab report an inspector attached to an inspection that was not signed (wrong
    passphrase, a missing note): kept, already checked, for that inspector and that lot, so the
    form sent again reuses it instead of asking for the file a second time. Forgotten once
    signed, and after ``TRACE_HELD_REPORT_SECONDS`` (``services.held_reports_expire``)."""

    token = models.UUIDField(unique=True, editable=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_lab_reports"
    )
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="held_lab_reports")
    file = models.FileField(_("File"), storage=private_storage, upload_to="traceability/held/")
    name = models.CharField(_("Name"), max_length=200)
    media_type = models.CharField(_("Media type"), max_length=100)
    size = models.PositiveIntegerField(_("Size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("Kept since"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Lab report kept for a new try")

    def __str__(self) -> str:
        return self.name


class ErasureRequest(models.Model):
    """A data subject's request to erase their personal data from lot histories, carried out by
    an operator (Decree 13/2023, Law on Personal Data Protection 2025). Records who asked (as
    an account or a household producer, never the erased values), why, who erased and what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("The person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    producer = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("Household producer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(_("Request reference"), max_length=100)
    reason = models.TextField(_("Reason"), blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Erased by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    values_erased = models.PositiveIntegerField(_("Values erased"), default=0)
    created_at = models.DateTimeField(_("Erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Erasure request")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class EventDisclosure(models.Model):
    """The salt and value behind one commitment of a schema-2 event (``traceability.
    commitments``). Erasing deletes both and keeps the row, marked erased, so the bundle can say
    "withheld at the person's request"; the event itself never changes."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="disclosures")
    path = models.CharField(_("JSON Pointer"), max_length=100)
    salt = models.CharField(_("Salt"), max_length=34, blank=True)
    value = models.JSONField(_("Value"), null=True, blank=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_producer = models.ForeignKey(
        "partner.Partner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(_("Erased at"), null=True, blank=True)
    erasure = models.ForeignKey(
        ErasureRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )

    class Meta:
        verbose_name = _("Disclosure")
        constraints = [
            models.UniqueConstraint(fields=["event", "path"], name="disclosure_once_per_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path} of event {self.event_id}"

    def as_json(self) -> dict[str, Any]:
        if self.erased_at is not None:
            return {
                "path": self.path,
                "withheld": "erased",
                "erasedAt": timezone.localdate(self.erased_at).isoformat(),
            }
        return {"path": self.path, "salt": self.salt, "value": self.value}


class Certificate(models.Model):
    """A certificate of a product, signed as an EIP-712 attestation with a validity window:
    an OCOP star rating (36 months) or a geographical-indication right (``PROOF_FORMAT.md``,
    "Certificates"). The storefront shows it only while it is valid and not revoked."""

    class Kind(models.TextChoices):
        OCOP = "ocop", _("OCOP star rating")
        GI = "gi", _("Geographical indication")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="certificates"
    )
    producer = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("Kind"), max_length=8, choices=Kind.choices)
    reference = models.CharField(_("Certificate number"), max_length=100)
    level = models.PositiveSmallIntegerField(_("Stars"), default=0)
    valid_from = models.DateTimeField(_("Valid from"))
    valid_until = models.DateTimeField(_("Valid until"))
    typed_data = models.JSONField(_("Signed typed data"))
    signer = models.CharField(_("Signer"), max_length=42)
    signature = models.CharField(_("Signature"), max_length=132)
    chain_id = models.BigIntegerField()
    contract = models.CharField(max_length=42)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Certificate")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="certificate_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"
