"""The retention table applied daily: consents and handled requests after 5 years, sign-in
records and lot scan digests after 90 days, complaint photos 3 years after closing; the rest
stays."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from shop.complaints import opening
from shop.complaints.models import Complaint, ComplaintPhoto, Reason, Remedy
from shop.privacy import services, tasks
from shop.privacy.models import Consent, PrivacyRequest
from shop.privacy.retention import retention_apply, years_before
from tests import factories
from tests.complaints.conftest import after
from tests.privacy.conftest import deliver
from traceability import services as trace
from traceability.models import Lot, LotScan

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(out, format="PNG")
    return SimpleUploadedFile("vo.png", out.getvalue(), content_type="image/png")


def test_consents_and_requests_go_five_years_after_withdrawal_or_handling(world):
    now = timezone.now()
    old, recent = years_before(now, 5) - timedelta(days=1), years_before(now, 5) + timedelta(days=1)
    kept_active = services.consent_record(purpose="account", method="registration", user=world.mai)
    Consent.objects.filter(pk=kept_active.pk).update(given_at=old - timedelta(days=400))
    ids = {}
    for name, when in (("old", old), ("recent", recent)):
        services.consent_record(purpose="news", method="account", user=world.mai)
        consent = Consent.objects.filter(purpose="news", withdrawn_at=None).get()
        request = services.consent_withdraw(user=world.mai, consent_id=consent.pk)
        PrivacyRequest.objects.filter(pk=request.pk).update(handled_at=when, received_at=when)
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=when)
        ids[name] = (consent.pk, request.pk)
    download = services.access_record(user=world.mai, kind_of_file="json")
    PrivacyRequest.objects.filter(pk=download.pk).update(handled_at=old)
    waiting = PrivacyRequest.objects.create(
        kind="erasure", user=world.mai, subject="x", deadline_at=old, state="waiting"
    )
    PrivacyRequest.objects.filter(pk=waiting.pk).update(received_at=old)

    counts = retention_apply(now=now)

    assert counts["consents"] == 1 and counts["privacy_requests"] == 2
    assert not Consent.objects.filter(pk=ids["old"][0]).exists()
    assert not PrivacyRequest.objects.filter(pk__in=[ids["old"][1], download.pk]).exists()
    assert Consent.objects.filter(pk__in=[ids["recent"][0], kept_active.pk]).count() == 2
    assert PrivacyRequest.objects.filter(pk__in=[ids["recent"][1], waiting.pk]).count() == 2


def test_the_periods_are_settings(world, settings):
    settings.PRIVACY_RECORDS_KEEP_YEARS = 1
    services.consent_record(purpose="news", method="account", user=world.mai)
    consent = Consent.objects.get(purpose="news")
    request = services.consent_withdraw(user=world.mai, consent_id=consent.pk)
    two_years_ago = timezone.now() - timedelta(days=730)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=two_years_ago)
    PrivacyRequest.objects.filter(pk=request.pk).update(handled_at=two_years_ago)
    assert retention_apply()["consents"] == 1
    assert not PrivacyRequest.objects.filter(pk=request.pk).exists()


def test_sign_in_records_and_scan_digests_go_after_90_days(world):
    for _attempt in range(2):
        Client().post(
            "/shop/accounts/login/",
            {"login-username": "mai@example.com", "login-password": "sai", "login_submit": "1"},
            REMOTE_ADDR="113.161.1.2",
        )
    Client().post(
        "/shop/accounts/login/",
        {"login-username": "lan@example.com", "login-password": "sai", "login_submit": "1"},
        REMOTE_ADDR="113.161.1.3",
    )
    assert AccessAttempt.objects.count() == 2
    AccessAttempt.objects.filter(username="mai@example.com").update(
        attempt_time=timezone.now() - timedelta(days=settings.SECURITY_LOGS_KEEP_DAYS + 1)
    )
    lot = trace.lot_create(
        product=factories.product(),
        code="MO-2026-001",
        production_date=date(2026, 11, 20),
        quantity=Decimal("10"),
        unit="KGM",
        actor=None,
    )
    trace.lot_scan_record(lot_id=lot.pk, visitors=["a" * 64])
    trace.lot_scan_record(lot_id=lot.pk, visitors=["b" * 64])
    LotScan.objects.filter(visitor="a" * 64).update(created_at=timezone.now() - timedelta(days=91))
    count = Lot.objects.get(pk=lot.pk).scan_count

    counts = retention_apply()

    assert counts["sign_in_records"] == 1 and counts["lot_scans"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["lan@example.com"]
    assert list(LotScan.objects.values_list("visitor", flat=True)) == ["b" * 64]
    assert Lot.objects.get(pk=lot.pk).scan_count == count  # the count stays


def test_complaint_photos_go_three_years_after_closing(world):
    deliver(world.tea)
    complaints = [
        opening.complaint_open(
            line=line,
            user=world.mai,
            reason=Reason.DAMAGED,
            description="Hũ mật ong bị vỡ nắp khi nhận.",
            wish=Remedy.REFUND,
            quantity=1,
            photos=[png()],
            now=after(days=1),
        )
        for line in (world.honey_line, world.tea_line)
    ]
    old_photo = ComplaintPhoto.objects.get(complaint=complaints[0])
    path = old_photo.file.name
    assert old_photo.file.storage.exists(path)
    long_ago = years_before(timezone.now(), 3) - timedelta(days=2)
    Complaint.objects.filter(pk=complaints[0].pk).update(state="resolved", resolved_at=long_ago)
    Complaint.objects.filter(pk=complaints[1].pk).update(
        state="resolved", resolved_at=timezone.now() - timedelta(days=30)
    )

    assert tasks.retention_apply()["complaint_photos"] == 1

    assert not ComplaintPhoto.objects.filter(complaint=complaints[0]).exists()
    assert not old_photo.file.storage.exists(path)
    assert ComplaintPhoto.objects.filter(complaint=complaints[1]).count() == 1
    assert Complaint.objects.filter(pk=complaints[0].pk).exists()  # the complaint stays


def test_the_retention_runs_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.retention_apply"
    assert entry["schedule"].hour == {3}
