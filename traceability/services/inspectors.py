"""Inspectors: their signing keys, their signed inspections, and their accreditation on chain.

An inspector's key is kept only as a keystore of their passphrase; it is unlocked just before
signing and dropped right after. A failed inspection flags the lot (and its product is no longer
sold, see ``shop.partner.strategy``); a passed one clears the flag.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import roles
from shop.outbox.services import outbox_enqueue
from shop.uploads.files import LOT_ATTACHMENT, upload_clean
from shop.uploads.storage import private
from traceability import ledger
from traceability.chain.crypto import keystore_create, keystore_unlock
from traceability.models import BizStep, Event, HeldLabReport, InspectorKey, Lot
from traceability.selectors import FLAGGED_PRODUCTS_KEY, registry_current
from traceability.services.lots import append_event, store_attachments

MIN_PASSPHRASE_LENGTH = 12


def inspector_key_create(*, user: Any, passphrase: str) -> InspectorKey:
    """Create an inspector's signing key, kept only as a V3 keystore (scrypt) of ``passphrase``."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("The signing passphrase needs at least %(n)d characters.")
            % {"n": MIN_PASSPHRASE_LENGTH}
        )
    if InspectorKey.objects.filter(user=user, revoked_at=None).exists():
        raise ValidationError(_("You already have a signing key."))
    address, keystore = keystore_create(passphrase, scrypt_n=settings.TRACE_KEYSTORE_SCRYPT_N)
    return InspectorKey.objects.create(user=user, address=address, keystore=keystore)


def _unlock(key: InspectorKey, passphrase: str) -> bytes:
    try:
        return keystore_unlock(key.keystore, passphrase)
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
    files = store_attachments([lab_report] if lab_report else [])
    try:
        with transaction.atomic():
            event = append_event(
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
            # saved, not updated: the page cache listens to a lot's changes (shop.pagecache)
            flagged = Lot.objects.get(pk=lot.pk)
            if result == "fail":
                flagged.flagged_at, flagged.flag_reason = Now(), notes
            else:
                flagged.flagged_at, flagged.flag_reason = None, ""
            flagged.save(update_fields=["flagged_at", "flag_reason"])
            # now (this request sees it) and again once committed (no stale copy survives)
            _flags_changed()
            transaction.on_commit(_flags_changed)
    finally:
        del private_key
    return event


# --------------------------------------------------------------------------- lab reports kept
# An inspection that was not signed (a wrong passphrase) must not cost the inspector their
# chosen file: browsers never fill a file input again. The checked file is kept in the private
# store for that inspector and that lot, offered again by the form, and forgotten once signed or
# after TRACE_HELD_REPORT_SECONDS.


def lab_report_hold(*, inspector: Any, lot: Lot, upload: Any) -> HeldLabReport:
    """Keep `upload` (checked as a lot attachment) for `inspector`'s next try on `lot`; it
    replaces what was kept for them on that lot before."""
    checked = upload_clean(upload, policy=LOT_ATTACHMENT)
    for earlier in HeldLabReport.objects.filter(inspector=inspector, lot=lot):
        lab_report_forget(earlier)
    path = private.save(f"traceability/held/{checked.file.name}", checked.file)
    return HeldLabReport.objects.create(
        token=uuid.uuid4(),
        inspector=inspector,
        lot=lot,
        file=path,
        name=checked.original_name[-200:],
        media_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )


def lab_report_file(held: HeldLabReport) -> File:
    """The kept report as an uploaded file, to be checked and stored like a new one."""
    with held.file.open("rb") as stream:
        data = stream.read()
    return File(io.BytesIO(data), name=held.name)


def lab_report_forget(held: HeldLabReport) -> None:
    held.file.delete(save=False)
    held.delete()


def held_reports_expire(*, now: datetime | None = None) -> int:
    """Forget the lab reports kept longer than TRACE_HELD_REPORT_SECONDS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TRACE_HELD_REPORT_SECONDS)
    expired = list(HeldLabReport.objects.filter(created_at__lt=cutoff))
    for held in expired:
        lab_report_forget(held)
    return len(expired)


def _flags_changed() -> None:
    cache.delete(FLAGGED_PRODUCTS_KEY)


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
    admin = ledger.admin(registry=registry)
    tx_hash = admin.set_inspector(address=key.address, allowed=allowed)
    admin.wait_confirmed(tx_hash, timeout=timeout)
    InspectorKey.objects.filter(pk=key.pk).update(
        accredited_at=timezone.now() if allowed else None, accreditation_tx=tx_hash
    )
    ledger.forget_inspector(domain=ledger.domain_of(registry), address=key.address)
    # the stars of the certificates this key signed show only while it is accredited
    from traceability.services.certificates import certificates_sync

    certificates_sync()
    return tx_hash
