"""Content-Security-Policy on every page, nonces on every inline script, an HttpOnly CSRF cookie.

The policy is read off real responses of the demo floor (storefront, dashboards, Wagtail admin,
payment pages, simulators, lot page, scanner); the browser tests under it live in
``test_csp_browser.py`` and every other browser test fails on a violation (tests/browser.py).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from oscar.core.loading import get_model

from payments.selectors import order_payment_url
from shop import demo
from shop.settings.simulators import simulated_gateways
from tests.payments import flow
from traceability.models import Lot

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
# Data blocks (JSON-LD, json_script) are never executed, so they need no nonce.
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
REAL_GATEWAYS = {
    "vnpay": {
        "BACKEND": "payments.gateways.vnpay.VNPayGateway",
        "OPTIONS": {
            "tmn_code": "CHOPHIEN",
            "hash_secret": "not-a-real-secret",
            "pay_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "api_url": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        },
    },
    "vietqr": simulated_gateways(settings.SITE_URL)["vietqr"],
    "card": {
        "BACKEND": "payments.gateways.stripe_checkout.StripeCheckoutGateway",
        "OPTIONS": {"api_key": "sk_test_not_real", "webhook_secret": "whsec_not_real"},
    },
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def nonce_of(response) -> str | None:
    found = [s for s in policy(response).get("script-src", []) if s.startswith("'nonce-")]
    return found[0][len("'nonce-") : -1] if found else None


def inline_scripts(html: str) -> list[str]:
    """The attributes of every executable <script> without a src."""
    found = []
    for attributes in SCRIPT_TAG.findall(html):
        kind = TYPE.search(attributes)
        if "src=" in attributes.lower():
            continue
        if (kind.group(1).lower() if kind else "") in EXECUTABLE_TYPES:
            found.append(attributes)
    return found


def problems(url: str, response, *, admin: bool = False, framed: bool = False) -> list[str]:
    """What is wrong with the policy of ``response``, as readable lines (empty: all holds)."""
    if "Content-Security-Policy" not in response:
        return [f"{url}: no Content-Security-Policy header"]
    directives = policy(response)
    wrong = []

    def expect(name, values):
        if directives.get(name) != values:
            wrong.append(f"{url}: {name} is {directives.get(name)}, not {values}")

    expect("default-src", ["'self'"])
    expect("object-src", ["'none'"])
    expect("base-uri", ["'self'"])
    expect("frame-ancestors", ["'self'"] if framed else ["'none'"])
    for name, values in directives.items():
        if "'unsafe-eval'" in values:
            wrong.append(f"{url}: {name} allows eval")
        if name != "form-action" and any("://" in v or v in ("*", "https:") for v in values):
            wrong.append(f"{url}: {name} names another origin: {values}")
    html = response.content.decode()
    if admin:  # the Wagtail admin's own inline scripts, on its pages only
        expect("script-src", ["'self'", "'unsafe-inline'"])
        return wrong
    nonce = nonce_of(response)
    for name in ("script-src", "style-src"):
        if "'unsafe-inline'" in directives.get(name, []):
            wrong.append(f"{url}: {name} allows inline code")
    for attributes in inline_scripts(html):
        if nonce is None or f'nonce="{nonce}"' not in attributes:
            wrong.append(f"{url}: inline <script{attributes}> without the nonce {nonce}")
    return wrong


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def floor(settings):
    settings.PAYMENT_GATEWAYS = simulated_gateways(settings.SITE_URL)
    demo.demo_load()
    cache.clear()


def test_every_kind_of_page_carries_the_policy_and_its_nonce(floor):
    anonymous = Client()
    product = Product.objects.filter(is_public=True).first()
    lot = Lot.objects.first()
    pages = [
        "/",
        "/en/",
        "/shop/catalogue/",
        product.get_absolute_url(),
        "/shop/basket/",
        "/shop/sell/",
        "/shop/producers/",
        "/search/?q=mat+ong",
        lot.get_absolute_url(),
        "/dashboard/login/",
        "/shop/accounts/login/",
        "/page-that-does-not-exist/",
    ]
    wrong = []
    for url in pages:
        response = anonymous.get(url)
        assert response.status_code in (200, 404), url
        wrong += problems(url, response)

    # Payment pages: the VietQR code drawn inline; the VNPay and Stripe simulators.
    buyer, honey = Client(), flow.honey()
    flow.checkout(buyer, products=[(honey, 1)], method="vietqr")
    payment = buyer.get(order_payment_url(flow.latest_order()))
    assert b"<svg" in payment.content
    wrong += problems("payment page", payment)
    for method in ("vnpay", "card"):
        placed = flow.checkout(Client(), products=[(honey, 1)], method=method)
        parts = urlsplit(placed["Location"])
        simulator = Client().get(f"{parts.path}?{parts.query}")
        assert simulator.status_code == 200, method
        wrong += problems(f"{method} simulator", simulator)

    operator = signed_in("operator@chophien.test")
    for url in (
        "/dashboard/",
        f"/dashboard/catalogue/products/{product.pk}/",
        "/dashboard/applications/",
        "/dashboard/listings/",
        "/dashboard/settlements/",
        "/dashboard/payments/",
        "/trace/operator/",
    ):
        response = operator.get(url)
        assert response.status_code == 200, url
        wrong += problems(url, response)

    scanner = reverse("traceability:scanner")
    wrong += problems(scanner, signed_in("inspector@chophien.test").get(scanner))

    producer = signed_in("mat-ong@chophien.test")
    for url in ("/dashboard/producer/", "/dashboard/producer/products/new/", "/trace/lots/"):
        response = producer.get(url)
        assert response.status_code == 200, url
        wrong += problems(url, response)

    assert wrong == []


def test_the_wagtail_admin_keeps_its_inline_scripts_to_itself_and_frames_only_previews(floor):
    from cms.models import HomePage

    home = HomePage.objects.filter(locale__language_code="vi").first()
    admin = Client()
    admin.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", "not-used-here")
    )
    wrong = []
    for url in ("/cms-admin/", f"/cms-admin/pages/{home.pk}/edit/", "/cms-admin/login/"):
        response = admin.get(url) if url != "/cms-admin/login/" else Client().get(url)
        assert response.status_code == 200, url
        wrong += problems(url, response, admin=True)
    preview = admin.get(f"/cms-admin/pages/{home.pk}/edit/preview/")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    wrong += problems("preview", preview, admin=True, framed=True)
    # Our own pages keep the strict policy even under an admin session.
    wrong += problems("/", admin.get("/"))
    assert wrong == []


def test_django_admin_login_is_strict_too(db):
    response = Client().get("/django-admin/login/")
    assert problems("/django-admin/login/", response) == []


def test_cached_pages_get_a_fresh_nonce_in_their_scripts_and_header(floor, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first, second = Client().get("/shop/catalogue/"), Client().get("/shop/catalogue/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    nonces = []
    for response in (first, second):
        nonce = nonce_of(response)
        scripts = inline_scripts(response.content.decode())
        assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
        assert problems("/shop/catalogue/", response) == []
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    stored = b"".join(filter(None, map(_content, cache._cache.values())))
    assert stored and not any(nonce.encode() in stored for nonce in nonces)


def _content(pickled: bytes) -> bytes | None:
    import pickle

    try:
        entry = pickle.loads(pickled)  # noqa: S301 (our own cache, in this process)
    except Exception:
        return None
    return entry[2] if isinstance(entry, tuple) and len(entry) == 3 else None


def test_form_action_lets_forms_reach_the_configured_gateways_and_nothing_else(db):
    with override_settings(PAYMENT_GATEWAYS=REAL_GATEWAYS):
        response = Client().get("/shop/basket/")
    assert policy(response)["form-action"] == [
        "'self'",
        "https://sandbox.vnpayment.vn",
        "https://checkout.stripe.com",
    ]
    with override_settings(PAYMENT_GATEWAYS={"vietqr": REAL_GATEWAYS["vietqr"]}):
        assert policy(Client().get("/shop/basket/"))["form-action"] == ["'self'"]


def test_the_csrf_cookie_is_out_of_reach_of_scripts(db):
    response = Client().get("/shop/sell/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
