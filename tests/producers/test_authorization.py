"""Authorization, enforced on the server for every dashboard URL the site has.

Producer A requests every URL pattern under /dashboard/, /trace/ and /shipping/, filled in
with the ids of producer B's products, orders, lines, shipments, statements, listings, lots,
and of an application's documents, by GET and by POST. Every answer is a refusal
(403/404/405), or a page that shows none of B's data; and B's data is unchanged afterwards.
Anonymous users are sent to the login page. The URL list is read from the resolver, so a new
page is covered when added.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import timezone
from oscar.core.loading import get_model

from payments import services as payments
from payments.models import PaymentAttempt
from shop.carriers import registry
from shop.fulfilment import services as fulfilment
from shop.fulfilment.models import Shipment
from shop.onboarding import services as onboarding
from shop.producers import services as listings
from shop.settlements import services as settlements
from shop.settlements.models import Statement
from tests import factories
from tests.onboarding.conftest import pdf, valid_data
from tests.payments import flow

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")

# Anything a producer may reach; operators' pages are in here too (A must be refused there).
# (``signed-in/`` sends whoever asks on to their own start page, see shop.roles.start_page.)
SCOPE = ("dashboard/", "trace/", "shipping/", "signed-in/", "epcis/")
# The carrier simulators exist only in development and tests (production settings refuse them).
OUT_OF_SCOPE = ("shipping/simulator/",)
# Pages every signed-in user may open, and the login page itself.
OPEN_TO_ALL = {"dashboard/login/", "dashboard/logout/", "signed-in/"}
# Public like the lot page (anyone may download a lot event's attachment).
PUBLIC = {
    "trace/attachments/<int:pk>/",
    # Carriers' callbacks (their own token or signature), a parcel's tracking page (its
    # unguessable token) and the official list of a province's wards.
    "shipping/callback/<str:carrier>/<str:token>/",
    "shipping/track/<str:token>/",
    "shipping/units/<int:province_code>/wards.json",
}
# Public records of every producer, like the lot pages: the EPCIS query interface serves every
# lot's published events (tests/traceability/test_epcis.py holds what it may and may not say).
PUBLIC_RECORDS = {"epcis/events"}
B_TITLE = "Chè Shan Tuyết cổ thụ Tà Xùa (B)"
B_SECRET = "9704369999000111"  # B's payout account number


def _walk(patterns, prefix=""):
    """(route with <converters>, URL pattern) for every URL pattern below ``patterns``."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            piece = ""
        elif isinstance(pattern, RoutePattern):
            piece = pattern._route
        else:
            piece = "\x00" + pattern._regex.lstrip("^").rstrip("$") + "\x00"
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + piece)
        elif isinstance(entry, URLPattern):
            yield prefix + piece, entry


def routes():
    """(route with <converters>, is_regex) for every URL pattern of the site, from the resolver."""
    return sorted(
        {
            r
            for r, _ in _walk(get_resolver().url_patterns)
            if r.startswith(SCOPE) and not r.startswith(OUT_OF_SCOPE)
        }
    )


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def urls_for(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every URL of `route` with its parameters filled from `values` (by parameter name)."""
    route = route.replace("\x00", "").replace("\\", "")
    names = [m.group(2) or m.group(3) for m in PARAM.finditer(route)]
    if not names:
        return ["/" + route]
    choices = [values.get(name) or values["*"] for name in names]
    urls = []
    for combo in itertools.islice(itertools.product(*choices), 40):
        parts = iter(combo)
        urls.append("/" + PARAM.sub(lambda _m, parts=parts: str(next(parts)), route))
    return urls


@pytest.fixture
def world(settings):
    settings.PAYMENT_COD_MAX_TOTAL = Decimal(100_000_000)
    operator = factories.operator()
    a = factories.producer("HTX Mật ong A", code="a-honey")
    b = factories.producer("HTX Chè B", code="b-tea", ward=factories.MEO_VAC)
    b.payout_bank_bin, b.payout_account_number, b.payout_account_holder = "970436", B_SECRET, "B"
    b.save()
    a_user, b_user = factories.producer_user(a), factories.producer_user(b)
    a_product = factories.product("Mật ong bạc hà (A)", price="200000", maker=a)
    b_product = factories.product(B_TITLE, price="300000", maker=b)

    mixed = _order([(a_product, 1), (b_product, 2)])
    b_only = _order([(b_product, 1)])
    b_shipment = Shipment.objects.get(order=b_only, partner=b)
    for step in ("confirmed", "packed"):
        fulfilment.shipment_advance(shipment=b_shipment, to=step, actor=b_user, on_behalf=False)
    fulfilment.shipment_advance(
        shipment=b_shipment,
        to="shipped",
        actor=b_user,
        on_behalf=False,
        carrier="VNPost",
        tracking_number="EB123456789VN",
    )
    fulfilment.shipment_advance(shipment=b_shipment, to="delivered", actor=b_user, on_behalf=False)
    payments.cash_collected(order=b_only, actor=operator)
    settlements.entries_record(now=timezone.now())
    settlements.statements_close(now=timezone.now() + timedelta(days=40))
    statement = Statement.objects.get(partner=b)

    change = listings.product_update(
        product=b_product,
        producer=b,
        actor=b_user,
        on_behalf=False,
        values={"title": B_TITLE + " mới", "categories": []},
        price=Decimal(300000),
        num_in_stock=10,
    )
    application = onboarding.application_submit(
        data=_application_data(name="HTX Chè B (đơn)"), uploads=[pdf()]
    )
    from traceability import services as trace

    lot = trace.lot_create(
        product=b_product,
        code="B-2025-001",
        production_date=timezone.localdate(),
        quantity=Decimal("50"),
        unit="KGM",
        actor=b_user,
        attachments=[pdf("kiem-nghiem.pdf")],  # public, like the lot page: sent as a download
    )
    from shop.complaints.models import Complaint

    b_line = Line.objects.get(order=b_only, partner=b)
    complaint = Complaint.objects.create(
        reference="KN-2026-B00001",
        order=b_only,
        shipment=b_shipment,
        line=b_line,
        partner=b,
        reason="damaged",
        description="Hộp chè bị móp (B).",
        wish="refund",
        opened_at=timezone.now(),
        answer_due_at=timezone.now() + timedelta(hours=48),
    )
    b_orders = [mixed, b_only]
    from traceability.models import ErasureRequest

    # An erasure of B's person (operators only: A must be refused the request and B's subjects).
    b_erasure = ErasureRequest.objects.create(user=b_user, reference="YC-B", operator=operator)
    b_review = get_model("reviews", "ProductReview").objects.create(
        line=Line.objects.get(order=b_only, partner=b),
        product=b_product,
        partner=b,
        user=get_user_model().objects.create_user("b-buyer", "b-buyer@example.com", "pw-12345678"),
        score=5,
        title="B review",
        body="Chè ngon",
    )
    # A personal data request of B's buyer (shop.privacy: the operators' register only).
    from shop.privacy.models import PrivacyRequest

    b_privacy_request = PrivacyRequest.objects.create(
        kind="erasure",
        user=b_review.user,
        subject="b-buyer@example.com",
        deadline_at=timezone.now(),
    )
    ids = {
        "complaint": [complaint.pk],
        "product": [b_product.pk],
        "order": [o.pk for o in b_orders],
        "line": list(Line.objects.filter(partner=b).values_list("pk", flat=True)),
        "shipment": list(Shipment.objects.filter(partner=b).values_list("pk", flat=True)),
        "statement": [statement.pk],
        "change": [change.pk],
        "application": [application.pk],
        "document": list(application.documents.values_list("pk", flat=True)),
        "lot": [lot.pk],
        "attachment": list(lot.events.values_list("attachments", flat=True)),
        "partner": [b.pk],
        "review": [b_review.pk],
        "erasure": [b_erasure.pk, b_user.pk],
        "privacy_request": [b_privacy_request.pk],  # shop.privacy: operators only
        "attempt": list(
            PaymentAttempt.objects.filter(order__in=b_orders).values_list("pk", flat=True)
        ),
    }
    every_int = sorted({str(i) for values in ids.values() for i in values})
    values = {
        "*": every_int,
        "number": [o.number for o in b_orders],
        "code": [b.code],
        "slug": [b_product.slug, "approve", "reject", "ask"],
        "action": ["approve", "reject", "ask"],
        "subject": ["account", "household"],  # whose data an operator erases
        "carrier": list(django_settings.CARRIERS),
        # A public tracking page is reached by its token alone: A guesses, never knows B's.
        "token": ["x" * 43, *(registry.webhook_token(c) for c in django_settings.CARRIERS)],
    }
    return {
        "a": a,
        "b": b,
        "a_user": a_user,
        "b_product": b_product,
        "b_only": b_only,
        "statement": statement,
        "application": application,
        "values": values,
        "ids": ids,
    }


def _order(items):
    client = Client()
    response = flow.checkout(client, products=items, method="cod")
    assert response.status_code == 302, response
    return flow.latest_order()


def _application_data(**overrides):
    data = valid_data(**overrides)
    data["province_code"] = int(data["province_code"])
    data["ward_code"] = int(data["ward_code"])
    return data


def b_snapshot(world) -> dict:
    b = world["b"]
    product = type(world["b_product"]).objects.get(pk=world["b_product"].pk)
    return {
        "product": (product.title, product.is_public, product.description),
        "stock": list(product.stockrecords.values_list("price", "num_in_stock")),
        "shipments": list(
            Shipment.objects.filter(partner=b)
            .order_by("pk")
            .values_list("status", "tracking_number")
        ),
        "orders": list(
            Order.objects.filter(lines__partner=b).order_by("pk").values_list("status", flat=True)
        ),
        "statement": Statement.objects.filter(pk=world["statement"].pk).values().get(),
        "application": type(world["application"])
        .objects.filter(pk=world["application"].pk)
        .values("status")
        .get(),
        "changes": list(b.listing_changes.values_list("status", flat=True)),
    }


def leaks(body: str, world) -> list[str]:
    markers = [B_TITLE, B_SECRET, world["b"].name, world["b_only"].number]
    return [m for m in markers if m in body]


def resolver_routes():
    """The GS1 resolver's routes (traceability/resolver.py): public like the lot page, and
    read-only."""
    return sorted(
        {
            r
            for r, entry in _walk(get_resolver().url_patterns)
            if entry.callback.__module__ == "traceability.resolver"
        }
    )


def test_the_resolver_is_public_and_read_only(world):
    """Every resolver route, with B's lot and GTIN, answers reads to anyone (no B data beyond
    the public lot page's) and refuses every writing method with 405, changing nothing."""
    from traceability.models import Lot

    lot = Lot.objects.get(code="B-2025-001")
    urls = [
        f"/01/{lot.gtin14}/10/{lot.code}",
        f"/01/{lot.gtin14}",
        f"/01/{lot.gtin14}/21/S1",
        "/ARHKVAdpQg",
        "/.well-known/gs1resolver",
    ]
    assert len(resolver_routes()) == len(urls)  # a new resolver route is added here too
    before = b_snapshot(world)
    scans = lot.scan_count
    for client in (Client(), _signed_in(world["a_user"])):
        for url in urls:
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(url)
                assert response.status_code == 405, (method, url, response.status_code)
                assert B_SECRET not in response.content.decode(errors="replace")
            assert client.get(url + "?linkType=all").status_code in (200, 404)  # not ours: 404
    assert b_snapshot(world) == before
    assert Lot.objects.get(pk=lot.pk).scan_count == scans


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_producer_a_gets_nothing_of_producer_b_from_any_dashboard_url(world):
    before = b_snapshot(world)
    client = Client()
    client.force_login(world["a_user"])
    checked, problems = 0, []
    for route in routes():
        if route in OPEN_TO_ALL:  # logging out would make the rest anonymous requests
            continue
        if route in PUBLIC_RECORDS:  # B's published lot events are public by design
            assert client.post("/" + route).status_code == 405
            continue
        for url in urls_for(route, world["values"]):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                status = response.status_code
                if status in (403, 404, 405):
                    continue
                raw = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                body = raw.decode(errors="replace") if status == 200 else ""
                location = response.get("Location", "")
                found = leaks(body + location, world)
                if found or status >= 500:
                    problems.append(f"{method.upper()} {url} -> {status} {found}")
    assert checked > 200
    assert client.get("/dashboard/producer/").status_code == 200  # still signed in as A
    assert not problems, "\n".join(problems)
    assert b_snapshot(world) == before


@pytest.mark.parametrize(
    ("kind", "route"),
    [
        ("product", "/dashboard/producer/products/{}/"),
        ("shipment", "/dashboard/producer/orders/{}/"),
        ("shipment", "/dashboard/producer/orders/{}/label/"),
        ("shipment", "/dashboard/waybills/{}/label/"),
        ("statement", "/dashboard/producer/statements/{}/"),
        ("statement", "/dashboard/producer/statements/{}/csv/"),
        ("statement", "/dashboard/producer/statements/{}/pdf/"),
        ("document", "/dashboard/applications/documents/{}/"),
        ("application", "/dashboard/applications/{}/"),
        ("change", "/dashboard/listings/{}/"),
        ("lot", "/trace/lots/{}/"),
        ("lot", "/trace/lots/{}/labels.pdf"),
    ],
)
def test_b_s_own_objects_are_refused_outright(world, kind, route):
    client = Client()
    client.force_login(world["a_user"])
    for pk in world["ids"][kind]:
        assert client.get(route.format(pk)).status_code in (403, 404)


def test_oscar_order_pages_are_closed_to_producers(world):
    client = Client()
    client.force_login(world["a_user"])
    number = world["b_only"].number
    for url in (f"/dashboard/orders/{number}/", "/dashboard/orders/", "/dashboard/catalogue/"):
        assert client.get(url).status_code == 403
    assert client.get("/dashboard/").url.endswith("/dashboard/producer/")


def test_anonymous_users_get_the_login_page(world):
    client = Client()
    for route in routes():
        if not route.startswith("dashboard/") or route in OPEN_TO_ALL:
            continue
        for url in urls_for(route, world["values"])[:2]:
            response = client.get(url)
            assert response.status_code in (302, 405), (url, response.status_code)
            if response.status_code == 302:
                assert "login" in response.url, (url, response.url)


def test_the_other_admin_sites_turn_producers_away(world):
    client = Client()
    client.force_login(world["a_user"])
    for url in ("/cms-admin/", "/cms-admin/pages/"):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert not leaks(response.content.decode(errors="replace"), world)
    # The Django admin does not exist for them, not even its login page.
    for url in ("/django-admin/", "/django-admin/login/", "/django-admin/order/order/"):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert not leaks(response.content.decode(errors="replace"), world)


def _take_access_away(world, how: str):
    """B's own user, once B's access is taken away in one of the ways shop.roles knows."""
    from shop.producers import services as producers

    b_user = world["b"].users.get()
    if how == "suspended":
        producers.producer_suspend(
            partner=world["b"], actor=factories.operator("ops2@example.com"), reason="Kiểm tra"
        )
    elif how == "removed":
        world["b"].users.remove(b_user)
    return b_user


@pytest.mark.parametrize("how", ["suspended", "removed"])
def test_a_producer_whose_access_was_taken_away_reaches_no_producer_page(world, how):
    """B's own user, with B's own ids, after B is suspended or the user is removed from B's
    users: every /dashboard/ and /trace/ URL refuses them, by GET and by POST."""
    b_user = _take_access_away(world, how)
    before = b_snapshot(world)
    client = Client()
    client.force_login(b_user)
    checked, reachable = 0, []
    for route in routes():
        if route in OPEN_TO_ALL | PUBLIC | PUBLIC_RECORDS:
            continue
        for url in urls_for(route, world["values"]):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                if response.status_code not in (403, 404, 405):
                    reachable.append(f"{method.upper()} {url} -> {response.status_code}")
    assert checked > 200
    assert not reachable, "\n".join(reachable)
    assert b_snapshot(world) == before


# --------------------------------------------------------------------------- the floor's figures
# The Ministry's statistics are for operators: a producer and a buyer are refused, visitors
# sent to the login page. (The public figures page, /so-lieu/, shows totals by commune only.)
OPERATOR_ONLY_STATISTICS = "dashboard/moit-statistics/"


def test_the_ministry_statistics_are_for_operators_only():
    maker = factories.producer("HTX Mật ong A", code="a-honey")
    producer, buyer, operator = Client(), Client(), Client()
    producer.force_login(factories.producer_user(maker))
    buyer.force_login(get_user_model().objects.create_user("buyer", "buyer@example.com", "pw-1"))
    operator.force_login(factories.operator())
    found = [r for r in routes() if r.startswith(OPERATOR_ONLY_STATISTICS)]
    assert len(found) == 3  # the page, CSV, XLSX: a new one is listed here too
    for route in found:
        url = "/" + route + "?preset=last-quarter"
        assert producer.get(url).status_code == 403, url
        assert buyer.get(url).status_code == 403, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "login" in anonymous.url, url
        assert operator.get(url).status_code == 200, url


# Personal data (shop.privacy): the operators' register refuses buyers and producers; a buyer's
# own pages show only their own consents and requests.
def test_the_personal_data_register_is_for_operators_only(world):
    from shop.privacy.models import PrivacyRequest

    (request_id,) = world["ids"]["privacy_request"]
    buyer = get_user_model().objects.create_user("c-buyer", "c@example.com", "pw-12345678")
    for user in (world["a_user"], buyer):
        client = Client()
        client.force_login(user)
        assert client.get("/dashboard/privacy/").status_code == 403
        assert client.post(f"/dashboard/privacy/{request_id}/carry-out/").status_code == 403
        page = client.get("/shop/accounts/privacy/").content.decode()
        assert "b-buyer@example.com" not in page
    assert PrivacyRequest.objects.get(pk=request_id).state == "received"
    anonymous = Client().get("/dashboard/privacy/")
    assert anonymous.status_code == 302 and "login" in anonymous.url


# Tax withheld (shop/settlements/dashboard/tax_views.py): the declaration and any producer's
# tax code and certificates are the operators'; a producer has only its own certificate, by
# year, with no producer in the URL.
TAX_OPERATOR_URLS = (
    "/dashboard/settlements/tax/",
    "/dashboard/settlements/tax/?month=2026-11",
    "/dashboard/settlements/tax/declaration.xlsx?month=2026-11",
    "/dashboard/settlements/tax/declaration.csv?month=2026-11",
    "/dashboard/settlements/tax/producers/{b}/",
    "/dashboard/settlements/tax/producers/{b}/2026/",
)


def test_tax_pages_operators_only_and_a_producer_s_own_certificate(world):
    b = world["b"].pk
    a_client, anonymous = _signed_in(world["a_user"]), Client()
    for url in (u.format(b=b) for u in TAX_OPERATOR_URLS):
        assert a_client.get(url).status_code == 403, url
        assert a_client.post(url, {"tax_id": "0100109106"}).status_code in (403, 405), url
        response = anonymous.get(url)
        assert response.status_code == 302 and "login" in response.url, url
    before = b_snapshot(world)
    year = timezone.localdate().year
    own = a_client.get(f"/dashboard/producer/statements/tax/{year}/")
    assert own.status_code == 200
    body = own.content.decode(errors="replace") if own["Content-Type"] != "application/pdf" else ""
    assert not leaks(body, world)
    assert (
        world["b"].name not in _pdf_text(own) if own["Content-Type"] == "application/pdf" else True
    )
    assert b_snapshot(world) == before
    assert type(world["b"]).objects.get(pk=b).tax_id == world["b"].tax_id


def _pdf_text(response) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(response.content)
    return "".join(page.get_textpage().get_text_range() for page in document)


# The province dashboard: operators only. Producers and buyers are refused, strangers sent to
# sign in; the sweep above walks these routes too, this names them.
PROVINCE_PAGES = (
    "/dashboard/province/",
    "/dashboard/province/?preset=year",
    "/dashboard/province/export/?table=summary&format=csv",
    "/dashboard/province/export/?table=all&format=xlsx",
)


def test_the_province_dashboard_is_the_operators_alone(world):
    buyer = get_user_model().objects.create_user("nguoi-mua", "nguoi-mua@example.com", "pw-1234567")
    for user in (world["a_user"], buyer):
        client = _signed_in(user)
        for url in PROVINCE_PAGES:
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url).status_code == 403, (user, url)
    for url in PROVINCE_PAGES:
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response.url
    operator = _signed_in(get_user_model().objects.get(email="operator@example.com"))
    assert operator.get(PROVINCE_PAGES[0]).status_code == 200


# Taking listings down (operators only; Decree 52/2013/NĐ-CP as amended by 85/2021/NĐ-CP):
# producers and buyers are refused, anonymous visitors sent to the login page, nothing changes.
TAKEDOWN_ROUTES = (
    "/dashboard/listings/takedowns/",
    "/dashboard/listings/products/{}/takedown/",
    "/dashboard/listings/products/{}/restore/",
)


def test_taking_listings_down_is_for_operators_only(world):
    from shop.producers.models import ListingTakedown

    buyer = get_user_model().objects.create_user("t-buyer", "t-buyer@example.com", "pw-12345678")
    urls = [route.format(world["b_product"].pk) for route in TAKEDOWN_ROUTES]
    before = b_snapshot(world)
    for url in urls:
        anonymous = Client().post(url, {"reason": "x"})
        assert anonymous.status_code == 302 and "login" in anonymous.url, url
        for user in (world["a_user"], world["b"].users.get(), buyer):
            client = _signed_in(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"reason": "x"})
                assert response.status_code in (403, 405), (user, method, url)
    assert b_snapshot(world) == before
    assert not ListingTakedown.objects.exists()
