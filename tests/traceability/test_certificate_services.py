"""Certificates on the site: issued with an inspector's key on the in-process chain, carried by
every lot's bundle and checked there, withdrawn, expiring; the storefront's stars follow them;
the issuing page and who may use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests import factories
from tests.traceability.conftest import PASSPHRASE
from traceability import selectors, services, tasks
from traceability.certificates import CertificateState
from traceability.models import Certificate, InspectorKey
from traceability.services.certificates import months_after

pytestmark = [pytest.mark.chain, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def issue(product, issuer, **kwargs):
    values = {
        "kind": "ocop",
        "reference": "OCOP-HG-2025-007",
        "level": 4,
        "valid_from": timezone.now() - timedelta(days=30),
        "passphrase": PASSPHRASE,
    }
    values.update(kwargs)
    return services.certificate_issue(product=product, issuer=issuer, **values)


def stars(product):
    product.refresh_from_db(fields=["ocop_stars"])
    return product.ocop_stars


def test_an_issued_rating_shows_its_stars_travels_in_the_bundle_and_verifies(
    make_lot, inspector, tester_chain
):
    lot = make_lot()
    product = lot.product
    assert stars(product) is None
    certificate = issue(product, inspector)
    assert stars(product) == 4
    assert certificate.valid_until == months_after(certificate.valid_from, 36)
    key = InspectorKey.objects.get(user=inspector)
    assert certificate.signer == key.address

    bundle = selectors.lot_bundle(lot=lot)
    [item] = bundle["attestations"]
    assert item["message"]["gtin"] == lot.gtin14
    assert (item["message"]["kind"], item["message"]["level"]) == ("ocop", 4)
    assert item["domain"]["verifyingContract"] == tester_chain[1].address
    assert item["revokedAt"] is None

    check = selectors.lot_check(lot=lot)
    assert check.verdict.problems == []
    [verdict] = check.verdict.certificates
    assert verdict.state is CertificateState.VALID


def test_a_certificate_edited_in_the_database_fails_the_lot(make_lot, inspector):
    lot = make_lot()
    certificate = issue(lot.product, inspector, level=3)
    Certificate.objects.filter(pk=certificate.pk).update(
        typed_data={**certificate.typed_data, "level": 5}
    )
    check = selectors.lot_check(lot=lot)
    assert check.status == "tampered"
    assert "a certificate's signature does not match its signer" in check.verdict.problems


def test_withdrawing_a_certificate_takes_the_stars_away(make_lot, inspector):
    lot = make_lot()
    certificate = issue(lot.product, inspector, level=5)
    assert stars(lot.product) == 5
    services.certificate_revoke(certificate=certificate, by=factories.operator())
    assert stars(lot.product) is None
    [item] = selectors.lot_bundle(lot=lot)["attestations"]
    assert item["revokedAt"] is not None
    [verdict] = selectors.lot_check(lot=lot).verdict.certificates
    assert verdict.state is CertificateState.REVOKED


def test_the_best_valid_rating_counts_and_the_daily_sync_follows_expiry(make_lot, inspector):
    product = make_lot().product
    now = timezone.now()
    issue(product, inspector, level=3, valid_from=now - timedelta(days=400))
    issue(
        product,
        inspector,
        level=5,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=10),
    )
    assert stars(product) == 5
    assert services.certificates_sync(now=now + timedelta(days=11)) == 1
    assert stars(product) == 3
    assert services.certificates_sync(now=now + timedelta(days=11)) == 0
    assert services.certificates_sync(now=now + timedelta(days=2000)) == 1
    assert stars(product) is None


def test_stars_with_no_certificate_behind_them_go_with_the_daily_task(tester_chain):
    product = factories.product("Chè Shan Tuyết", ocop_stars=5)
    other = factories.product("Mật ong", ocop_stars=None)
    tasks.certificates_sync.delay()
    assert stars(product) is None and stars(other) is None


def test_a_rating_signed_by_a_key_no_longer_accredited_shows_no_stars(make_lot, inspector):
    product = make_lot().product
    issue(product, inspector)
    InspectorKey.objects.filter(user=inspector).update(accredited_at=None)
    services.certificates_sync()
    assert stars(product) is None


def test_a_star_change_bumps_the_page_cache(make_lot, inspector):
    from shop import pagecache

    product = make_lot().product
    before = pagecache.generation()
    issue(product, inspector)
    assert pagecache.generation() != before


BAD_CERTIFICATES = [
    ({"passphrase": "wrong passphrase!"}, "passphrase is wrong"),
    ({"level": 2}, "3, 4 or 5"),
    ({"reference": "  "}, "number"),
    ({"kind": "vietgap"}, "kind of certificate"),
    ({"kind": "gi", "level": 0}, "until when"),
]


def test_bad_certificates_are_refused(make_lot, inspector):
    product = make_lot().product
    for kwargs, message in BAD_CERTIFICATES:
        with pytest.raises(ValidationError, match=message):
            issue(product, inspector, **kwargs)
    assert not Certificate.objects.exists()
    assert stars(product) is None


def test_an_ocop_rating_is_valid_thirty_six_months_at_most(make_lot, inspector):
    product = make_lot().product
    start = datetime(2025, 2, 28, tzinfo=UTC)
    with pytest.raises(ValidationError, match="36 months"):
        issue(product, inspector, valid_from=start, valid_until=start + timedelta(days=1096))
    assert issue(product, inspector, valid_from=start).valid_until == datetime(
        2028, 2, 28, tzinfo=UTC
    )
    gi = issue(
        product,
        inspector,
        kind="gi",
        level=4,
        reference="GI-00012",
        valid_from=start,
        valid_until=start + timedelta(days=3650),
    )
    assert gi.level == 0


def test_only_inspectors_and_operators_with_an_accredited_key_sign(make_lot, inspector):
    product = make_lot().product
    buyer = factories.operator("buyer@example.vn")
    buyer.is_staff = False
    buyer.save()
    with pytest.raises(ValidationError, match="Only inspectors and operators"):
        issue(product, buyer)
    operator = factories.operator()
    with pytest.raises(ValidationError, match="signing key first"):
        issue(product, operator)
    services.inspector_key_create(user=operator, passphrase=PASSPHRASE)
    with pytest.raises(ValidationError, match="not accredited"):
        issue(product, operator)
    services.inspector_accredit(key=InspectorKey.objects.get(user=operator))
    assert issue(product, operator).issued_by == operator


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(datetime(2024, 2, 29, tzinfo=UTC), 36) == datetime(2027, 2, 28, tzinfo=UTC)
    assert months_after(datetime(2025, 11, 30, tzinfo=UTC), 3) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_after(datetime(2025, 1, 31, tzinfo=UTC), 12) == datetime(2026, 1, 31, tzinfo=UTC)


# --------------------------------------------------------------------------- pages


def test_the_lot_page_shows_the_certificates_state(client, make_lot, inspector):
    lot = make_lot()
    issue(lot.product, inspector, reference="OCOP-HG-0042")
    certificate = issue(
        lot.product,
        inspector,
        reference="OCOP-HG-0001",
        level=3,
        valid_from=timezone.now() - timedelta(days=900),
        valid_until=timezone.now() - timedelta(days=5),
    )
    html = client.get(lot.get_absolute_url()).content.decode()
    assert "OCOP-HG-0042" in html and "OCOP-HG-0001" in html
    assert "trace-certificate-valid" in html and "trace-certificate-expired" in html
    services.certificate_revoke(certificate=certificate, by=factories.operator())
    html = client.get(lot.get_absolute_url()).content.decode()
    assert "trace-certificate-revoked" in html


def test_an_inspector_issues_and_withdraws_a_certificate_on_the_page(client, make_lot, inspector):
    product = make_lot().product
    client.force_login(inspector)
    page = client.get("/trace/certificates/")
    assert page.status_code == 200
    form = {
        "product": product.pk,
        "kind": "ocop",
        "reference": "OCOP-HG-2026-001",
        "level": "4",
        "valid_from": "2026-01-01",
        "passphrase": PASSPHRASE,
    }
    assert client.post("/trace/certificates/", {**form, "passphrase": "nope"}).status_code == 400
    response = client.post("/trace/certificates/", form)
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.valid_until == months_after(certificate.valid_from, 36)
    assert client.post(f"/trace/certificates/{certificate.pk}/revoke/").status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


BAD_FORMS = [
    {"kind": "ocop", "reference": "X", "valid_from": "2026-01-01"},  # no stars
    {"kind": "gi", "reference": "X", "valid_from": "2026-01-01"},  # no end
    {"kind": "gi", "reference": "X", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
    {"kind": "ocop", "level": "9", "reference": "X", "valid_from": "2026-01-01"},
    {"kind": "ocop", "level": "3", "reference": "X", "valid_from": "not a day"},
    {"kind": "ocop", "level": "3", "reference": "X", "valid_from": "2026-01-01", "product": "x"},
]


def test_bad_input_on_the_page_is_a_400(client, make_lot, inspector):
    product = make_lot().product
    client.force_login(inspector)
    for form in BAD_FORMS:
        data = {"product": product.pk, "passphrase": PASSPHRASE, **form}
        assert client.post("/trace/certificates/", data).status_code == 400, form
    assert not Certificate.objects.exists()


def test_who_may_open_the_certificates_page(client, make_lot, inspector, django_user_model):
    lot = make_lot()
    certificate = issue(lot.product, inspector)
    assert client.get("/trace/certificates/").status_code == 302  # to the login page
    producer_user = factories.producer_user(lot.producer)
    client.force_login(producer_user)
    assert client.get("/trace/certificates/").status_code == 403
    assert client.post(f"/trace/certificates/{certificate.pk}/revoke/").status_code == 403
    other = django_user_model.objects.create_user("tt2", "tt2@example.vn", "pw-123456")
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get(name="Inspectors"))
    client.force_login(other)  # an inspector, but not the issuer
    assert client.post(f"/trace/certificates/{certificate.pk}/revoke/").status_code == 403
    assert client.get(f"/trace/certificates/{certificate.pk}/revoke/").status_code == 405
    assert client.post("/trace/certificates/999999/revoke/").status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.force_login(factories.operator())
    assert client.get("/trace/certificates/").status_code == 200
    assert client.post(f"/trace/certificates/{certificate.pk}/revoke/").status_code == 302


def test_demo_certificates_keep_the_demo_stars_and_load_once(inspector):
    from zoneinfo import ZoneInfo

    from traceability.demo.certificates import Product, demo_certificates

    five = factories.product("Chè Shan Tuyết", ocop_stars=5)
    four = factories.product("Mật ong bạc hà", ocop_stars=4)
    four.geographical_indication = "Mật ong bạc hà Hà Giang"
    four.save()
    plain = factories.product("Rau cải", ocop_stars=None)
    key = InspectorKey.objects.get(user=inspector)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    others = Product.objects.exclude(pk__in=[five.pk, four.pk, plain.pk])
    with_stars, with_gi = (
        others.exclude(ocop_stars=None).count(),
        others.filter(geographical_indication__gt="").count(),
    )
    made = demo_certificates(key=key, passphrase=PASSPHRASE, lots={}, zone=zone)
    assert made == 3 + with_stars + with_gi
    assert (stars(five), stars(four), stars(plain)) == (5, 4, None)
    assert Certificate.objects.filter(valid_until__lt=timezone.now()).count() == 1  # history
    assert Certificate.objects.get(kind="gi", product=four).level == 0
    assert not Certificate.objects.filter(product=plain).exists()
    assert demo_certificates(key=key, passphrase=PASSPHRASE, lots={}, zone=zone) == 0
    assert services.certificates_sync() == 0


def test_the_sync_runs_daily_just_after_midnight(settings):
    from celery.schedules import crontab

    from shop.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["traceability-certificates"]
    assert entry["task"] == "traceability.certificates_sync" in app.tasks
    assert entry["schedule"] == crontab(hour=0, minute=5)


def test_an_operator_creates_a_signing_key_and_is_sent_to_certificates(client, tester_chain):
    operator = factories.operator()
    client.force_login(operator)
    assert 'href="/trace/inspections/key/"' in client.get("/trace/certificates/").content.decode()
    passphrase = {"passphrase": PASSPHRASE, "confirm": PASSPHRASE}
    response = client.post("/trace/inspections/key/", passphrase)
    assert response.status_code == 302 and response["Location"] == "/trace/certificates/"
    assert InspectorKey.objects.filter(user=operator).exists()
    client.force_login(factories.producer_user(factories.producer("HTX B", code="htx-b")))
    assert client.get("/trace/inspections/key/").status_code == 403


def test_the_product_page_names_the_certificate_behind_its_stars(client, make_lot, inspector):
    product = make_lot().product
    assert "OCOP-HG-0099" not in client.get(product.get_absolute_url()).content.decode()
    issue(product, inspector, reference="OCOP-HG-0099", level=5)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "OCOP-HG-0099" in html and "5★" in html
    services.inspector_accredit(key=InspectorKey.objects.get(user=inspector), allowed=False)
    assert stars(product) is None
    assert "OCOP-HG-0099" not in client.get(product.get_absolute_url()).content.decode()
