"""Abuse limits: requests per address, body sizes, label sheets, numbers that fit their columns,
junk query parameters in the page cache, and the distinct-scan counter."""

from __future__ import annotations

import socket
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import translation

from payments.models import GatewayCall
from payments.simulators.vnpay import VNPaySimulatorCore
from shop.limits import view_name
from tests import factories
from tests.conftest import require
from tests.payments import flow
from tests.redis import REDIS, redis_up

pytestmark = pytest.mark.django_db


def limits(**rates: str) -> dict:
    """RATE_LIMITS with some rates lowered, the views they guard unchanged."""
    return {
        group: {**limit, "rate": rates.get(group.replace("-", "_"), limit["rate"])}
        for group, limit in settings.RATE_LIMITS.items()
    }


def dead_cache() -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        "default": {
            "BACKEND": "shop.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "BREAKER_SECONDS": 60},
        }
    }


@pytest.fixture
def redis_cache():
    """The cache on the real Redis, as in production, under keys of this test only."""
    require(redis_up(), "needs Redis on 127.0.0.1:6379")
    caches = {
        "default": {
            "BACKEND": "shop.cache.FailSoftRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
        }
    }
    with override_settings(CACHES=caches):
        yield


# --------------------------------------------------------------------------- requests per address

LOGIN_FORMS = [
    (
        "customer:login",
        {"login-username": "x@example.com", "login-password": "x", "login_submit": "1"},
    ),
    ("dashboard:login", {"username": "x@example.com", "password": "x"}),
    ("wagtailadmin_login", {"username": "x", "password": "x"}),
    ("admin:login", {"username": "x", "password": "x"}),
]


@pytest.mark.parametrize("view, data", LOGIN_FORMS, ids=[name for name, _ in LOGIN_FORMS])
def test_a_flood_of_logins_from_one_address_gets_429(view, data, redis_cache):
    url = reverse(view)
    with override_settings(RATE_LIMITS=limits(login="3/m")):
        client = Client(REMOTE_ADDR="203.0.113.7")
        for attempt in range(3):
            account = {
                key: f"user{attempt}@example.com" if "username" in key else value
                for key, value in data.items()
            }
            assert client.post(url, account).status_code != 429
        refused = client.post(url, data)
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        page = refused.content.decode()
        assert "Quá nhiều yêu cầu" in page and "Too many requests" in page
        # Another address is not affected; reading the form is not counted.
        assert Client(REMOTE_ADDR="203.0.113.8").post(url, data).status_code != 429
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "view, method, data, group",
    [
        ("customer:register", "post", {"registration-email": "a@example.com"}, "register"),
        ("password-reset", "post", {"email": "a@example.com"}, "register"),
        ("onboarding:apply", "post", {"name": "HTX"}, "apply"),
        ("search:search", "get", {"q": "mật ong"}, "search"),
        ("content-search", "get", {"q": "mật ong"}, "search"),
    ],
)
def test_anonymous_forms_and_search_are_limited_per_address(view, method, data, group):
    with override_settings(RATE_LIMITS=limits(**{group: "2/h"})):
        client = Client(REMOTE_ADDR="198.51.100.20")
        send = getattr(client, method)
        assert [send(reverse(view), data).status_code == 429 for _ in range(3)] == [
            False,
            False,
            True,
        ]


def test_forwarded_for_counts_only_behind_a_trusted_proxy():
    url = reverse("search:search")
    with override_settings(RATE_LIMITS=limits(search="1/m")):
        # Without a trusted proxy a client cannot pick a new address per request.
        client = Client(REMOTE_ADDR="192.0.2.1")
        assert client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 200
        assert client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 429
        with override_settings(TRUSTED_PROXY_COUNT=1):
            proxy = Client(REMOTE_ADDR="192.0.2.254")
            # The proxy appends the client's address; what the client wrote itself is ignored.
            first = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.1"}
            other = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.2"}
            assert proxy.get(url, **first).status_code == 200
            assert proxy.get(url, **first).status_code == 429
            assert proxy.get(url, **other).status_code == 200


# A URLconf of this module's own: the same path, another view.
urlpatterns = [path("shop/search/", lambda request: HttpResponse("other"), name="other-search")]


def test_the_view_a_path_names_depends_on_its_language_and_urlconf():
    """The limits remember which view a path names, once per process; what the path names
    in another language, or under another URLconf, is not what was remembered."""
    factory = RequestFactory()
    english = f"/en{reverse('search:search')}"
    with translation.override("en"):
        assert view_name(factory.get(english)) == "search:search"
    with translation.override("vi"):
        assert view_name(factory.get(english)) != "search:search"  # no /en/ prefix in Vietnamese
        assert view_name(factory.get("/shop/search/")) == "search:search"
        with override_settings(ROOT_URLCONF=__name__):
            assert view_name(factory.get("/shop/search/")) == "other-search"
        assert view_name(factory.get("/shop/search/")) == "search:search"


def test_limits_fail_open_when_the_cache_is_down(caplog):
    with override_settings(CACHES=dead_cache(), RATE_LIMITS=limits(search="1/m")):
        client = Client()
        answers = [client.get(reverse("search:search")).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- payment callbacks


@pytest.fixture
def vnpay():
    options = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]
    return VNPaySimulatorCore(tmn_code=options["tmn_code"], hash_secret=options["hash_secret"])


def test_unsigned_ipns_stop_storing_rows_but_signed_ones_always_pass(client, vnpay):
    product = flow.honey()
    response = flow.checkout(client, products=[(product, 1)], method="vnpay")
    transaction = vnpay.accept_pay_url(response["Location"])
    url = reverse("payments:vnpay-ipn")
    forged = {"vnp_TxnRef": "1", "vnp_Amount": "100", "vnp_SecureHash": "00"}
    with override_settings(RATE_LIMITS=limits(refused_callback="3/m")):
        answers = [client.get(url, forged).status_code for _ in range(6)]
        assert answers == [200, 200, 200, 429, 429, 429]
        assert GatewayCall.objects.filter(operation="ipn", signature_valid=False).count() == 3
        # The gateway's signed notification from the same address is never refused.
        paid = client.get(url, vnpay.pay(transaction.txn_ref))
    assert paid.status_code == 200 and paid.json()["RspCode"] == "00"


def test_unsigned_bank_statements_stop_storing_rows(client):
    url = reverse("payments:bank-webhook")
    with override_settings(RATE_LIMITS=limits(refused_callback="2/m")):
        answers = [
            client.post(url, b'{"lines": []}', content_type="application/json").status_code
            for _ in range(4)
        ]
    assert answers == [401, 401, 429, 429]
    assert GatewayCall.objects.filter(operation="statement").count() == 2


# --------------------------------------------------------------------------- request bodies


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    client = Client()
    # The declared length is far larger than what is sent: reading it would fail or hang.
    response = client.post(
        reverse("customer:login"),
        b"login-username=a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.REQUEST_BODY_MAX_BYTES + 1),
    )
    assert response.status_code == 413
    assert "Yêu cầu bị từ chối" in response.content.decode()


def test_upload_pages_accept_more_than_a_login():
    big = settings.REQUEST_BODY_MAX_BYTES * 4
    assert big < settings.REQUEST_BODY_LIMITS["/shop/sell/"]
    client = Client()
    response = client.post(
        reverse("onboarding:apply"),
        {"name": "HTX", "story": "x" * big},
    )
    assert response.status_code == 200  # the form answers (with its errors), nothing refused
    too_big = client.post(
        "/en" + reverse("onboarding:apply"),
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.REQUEST_BODY_LIMITS["/shop/sell/"] + 1),
    )
    assert too_big.status_code == 413


def test_a_chunked_body_without_length_is_refused():
    response = Client().generic(
        "POST", reverse("customer:login"), b"", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411


# --------------------------------------------------------------------------- page cache


def cache_entries() -> int:
    from django.core.cache import cache

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = cache._cache.get_client().keys(f"{prefix}:*pagecache:*")
    return len([key for key in keys if not key.endswith(b"pagecache:generation")])


def test_junk_query_parameters_add_no_page_cache_entries(redis_cache):
    factories.product("Mật ong bạc hà 500ml", price="350000")
    url = reverse("catalogue:index")
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url + "?page=1")["X-Page-Cache"] == "miss"
    before = cache_entries()
    assert before == 2
    for n in range(25):
        response = Client().get(f"{url}?x={n}&utm_source=spam{n}")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit"  # the canonical page, served from the cache
    junk_with_page = Client().get(f"{url}?page=1&fbclid=abc")
    assert junk_with_page["X-Page-Cache"] == "hit"
    assert cache_entries() == before
    # Parameters that change the page still have entries of their own.
    sorted_page = Client().get(url, {"sort": "newest", "x": "1"})
    assert sorted_page.status_code == 200 and "X-Page-Cache" not in sorted_page
    assert cache_entries() == before
    assert Client().get(url, {"sort": "newest"})["X-Page-Cache"] == "miss"
    assert cache_entries() == before + 1


# --------------------------------------------------------------------------- lots: scans, labels


def a_lot(product=None):
    from traceability import services

    return services.lot_create(
        product=product or factories.product(),
        code="MO-2025-001",
        production_date=date(2025, 11, 20),
        quantity=Decimal("120.5"),
        unit="KGM",
        actor=None,
    )


def scans(lot) -> int:
    lot.refresh_from_db()
    return lot.scan_count


def test_reloading_a_lot_page_is_one_scan():
    lot = a_lot()
    path = lot.get_absolute_url()
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (Android 14)")
    for _ in range(5):
        assert browser.get(path).status_code == 200
    assert scans(lot) == 1
    page = browser.get("/en" + path).content.decode()
    assert "Scanned by 1 person (each counted once a day)." in page
    # A visitor who keeps no cookie is known by their network for the day, whatever browser
    # they claim to be.
    for n in range(3):
        Client(HTTP_USER_AGENT=f"Mozilla/5.0 (Android {n})", REMOTE_ADDR="203.0.113.50").get(path)
    assert scans(lot) == 2
    # Other people scanning count, each once.
    Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", REMOTE_ADDR="198.51.100.9").get(path)
    assert scans(lot) == 3
    # The same browser on another network (its cookie) is still the same visitor.
    browser.get(path, REMOTE_ADDR="192.0.2.77")
    assert scans(lot) == 3


def test_scans_are_stored_without_personal_data():
    from traceability.models import LotScan

    lot = a_lot()
    Client(HTTP_USER_AGENT="Mozilla/5.0 (Android 14)", REMOTE_ADDR="203.0.113.50").get(
        lot.get_absolute_url()
    )
    stored = " ".join(LotScan.objects.values_list("visitor", flat=True))
    assert stored and "203.0.113" not in stored and "Android" not in stored


def test_a_forged_scan_cookie_does_not_count_again():
    lot = a_lot()
    path = lot.get_absolute_url()
    client = Client(REMOTE_ADDR="203.0.113.60", HTTP_USER_AGENT="Mozilla/5.0 (Android 14)")
    client.get(path)
    for n in range(3):
        client.cookies["cho_phien_scan"] = f"forged-{n}"
        client.get(path)
    assert scans(lot) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reloads_count_once(uses_postgres):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    lot = a_lot()
    path = lot.get_absolute_url()

    def scan(_):
        try:
            return Client(REMOTE_ADDR="203.0.113.70", HTTP_USER_AGENT="same").get(path).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(scan, range(12))) == {200}
    assert scans(lot) == 1


def test_a_label_sheet_over_the_cap_is_a_form_error(client):
    partner = factories.producer()
    lot = a_lot(factories.product(maker=partner))
    client.force_login(factories.producer_user(partner))
    url = reverse("traceability:lot-labels", kwargs={"pk": lot.pk})
    too_many = client.get(url, {"count": settings.TRACE_LABELS_MAX + 1}, follow=True)
    assert too_many.redirect_chain[-1][0] == reverse(
        "traceability:lot-manage", kwargs={"pk": lot.pk}
    )
    assert "210" in too_many.content.decode()  # "Ensure this value is less than or equal to 210"
    allowed = client.get(url, {"count": 42})
    assert allowed.status_code == 200 and allowed["Content-Type"] == "application/pdf"


# --------------------------------------------------------------------------- numbers and columns


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "10000000000"),  # 11 digits: StockRecord.price is NUMERIC(12, 2)
        ("price", "1e20"),
        ("num_in_stock", str(2**31)),
        ("net_quantity", "1" + "0" * 20),
        ("shelf_life_days", str(2**31)),
    ],
)
def test_numbers_beyond_their_columns_are_form_errors_for_producers(client, field, value):
    from shop.producers.models import ListingChange

    partner = factories.producer()
    client.force_login(factories.producer_user(partner))
    data = {
        "title": "Mật ong hoa bạc hà 250ml",
        "description": "Mật ong.",
        "categories": [factories.category().pk],
        "origin_province_code": 8,
        "origin_ward_code": factories.DONG_VAN,
        "net_quantity": "250",
        "net_unit": "ml",
        "price": "180000",
        "num_in_stock": "30",
        field: value,
    }
    response = client.post(reverse("producer-dashboard:product-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ListingChange.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", "10000000000"), ("num_in_stock", str(2**31)), ("num_in_stock", "-1")],
)
def test_numbers_beyond_their_columns_are_form_errors_in_oscars_stock_form(field, value):
    from oscar.core.loading import get_class

    StockRecordForm = get_class("dashboard.catalogue.forms", "StockRecordForm")
    item = factories.product()
    data = {"partner": item.producer.pk, "partner_sku": "x-1", "price": "1000", "num_in_stock": "1"}
    form = StockRecordForm(item.product_class, factories.operator(), data={**data, field: value})
    assert not form.is_valid() and field in form.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "1" + "0" * 12), ("quantity", "1e15")],
)
def test_lot_quantities_beyond_their_column_are_form_errors(client, field, value):
    from traceability.models import Lot

    partner = factories.producer()
    item = factories.product(maker=partner)
    client.force_login(factories.producer_user(partner))
    data = {
        "product": item.pk,
        "code": "MO-2025-009",
        "production_date": "2025-11-20",
        "quantity": "12",
        "unit": "KGM",
        field: value,
    }
    response = client.post(reverse("traceability:lot-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Lot.objects.exists()
