"""The retention table applied where code can (daily, beat "privacy-retention"; periods are
settings, shop/settings/floor.py):

- consents withdrawn, and requests handled, more than PRIVACY_RECORDS_KEEP_YEARS ago: deleted
  (proof of consent and of handling, Decree 13/2023/NĐ-CP);
- django-axes' sign-in attempts, failures and sign-ins, and the lots' scan digests
  (traceability.LotScan: ``Lot.scan_count`` keeps the count), older than
  SECURITY_LOGS_KEEP_DAYS: deleted (nothing else purges them);
- complaint photos PRIVACY_COMPLAINT_PHOTOS_KEEP_YEARS after the complaint closed (resolved,
  or withdrawn: its last step): deleted, files and rows. The complaint itself stays: its
  refunds and payouts are accounting records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from shop.privacy.models import Consent, PrivacyRequest, RequestState


def years_before(when: datetime, years: int) -> datetime:
    """The same moment `years` years earlier (29 February: the 28th)."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what the retention table says is kept no longer. Returns counts deleted."""
    now = now or timezone.now()
    counts = _privacy_records(before=years_before(now, settings.PRIVACY_RECORDS_KEEP_YEARS))
    counts.update(_security_logs(before=now - timedelta(days=settings.SECURITY_LOGS_KEEP_DAYS)))
    counts["complaint_photos"] = _complaint_photos(
        before=years_before(now, settings.PRIVACY_COMPLAINT_PHOTOS_KEEP_YEARS)
    )
    return counts


def _privacy_records(*, before: datetime) -> dict[str, int]:
    with transaction.atomic():
        consents = Consent.objects.filter(withdrawn_at__lt=before).delete()[0]
        # A request still proving a consent's withdrawal stays as long as that consent.
        requests = (
            PrivacyRequest.objects.filter(state=RequestState.DONE, handled_at__lt=before)
            .exclude(consents_withdrawn__isnull=False)
            .delete()[0]
        )
    return {"consents": consents, "privacy_requests": requests}


def _security_logs(*, before: datetime) -> dict[str, int]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    LotScan = get_model("traceability", "LotScan")
    return {
        "sign_in_records": sum(
            model.objects.filter(attempt_time__lt=before).delete()[0]
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        ),
        "lot_scans": LotScan.objects.filter(created_at__lt=before).delete()[0],
    }


def _complaint_photos(*, before: datetime) -> int:
    Complaint = get_model("complaints", "Complaint")
    ComplaintPhoto = get_model("complaints", "ComplaintPhoto")
    closed = (
        Complaint.objects.filter(state__in=("resolved", "withdrawn"))
        .annotate(closed_at=Coalesce("resolved_at", Max("steps__at")))
        .filter(closed_at__lt=before)
    )
    photos = list(ComplaintPhoto.objects.filter(complaint__in=closed.values("pk")))
    for photo in photos:
        photo.file.delete(save=False)
    return ComplaintPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()[0]
