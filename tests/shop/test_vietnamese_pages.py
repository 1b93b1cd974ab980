"""No English on Vietnamese pages.

A buyer (as a guest and signed in), a producer, an inspector and an operator walk their pages in
Vietnamese through Django's test client, form errors included; the text they can read (not
attributes, scripts or URLs; not a part marked `lang="en"`, such as the language switcher) must
not contain any of the English slips listed below, matched as whole words.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from payments.templatetags.payment_links import order_payment_url
from shop.order import statuses
from shop.templatetags.shop_tags import status_label
from tests import factories
from tests.cms import content
from tests.payments import flow
from tests.producers import test_authorization
from tests.producers.test_authorization import routes, urls_for
from traceability.models import Lot

pytestmark = pytest.mark.django_db

# Producer B's floor of the authorization sweep: orders paid in cash, shipped and settled, a
# listing change, an application and a lot.
world = test_authorization.world

Order = get_model("order", "Order")

# English a Vietnamese reader met on our pages, or would meet if a string slipped past the
# catalogues: stored statuses, Oscar's and Django's own words, buttons and form errors.
SLIPS = (
    "Oops",
    "Cash on delivery",
    "Pending payment",
    "Paid",
    "Pending",
    "Cancelled",
    "To confirm",
    "Confirmed",
    "Packed",
    "Shipped",
    "Delivered",
    "Returned",
    "This password",
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Please enter",
    "The two password fields",
    "Remove",
    "Basket",
    "Checkout",
    "Sign in",
    "Log in",
    "Login",
    "Logout",
    "Log out",
    "Register",
    "Order history",
    "Order number",
    "Continue",
    "Submit",
    "Save",
    "Cancel",
    "Guest",
    "Search",
    "Shipping",
    "Address",
    "Total",
    "Quantity",
    "Price",
    "Status",
    "Dashboard",
    "Products",
    "Orders",
    "Customers",
    "Home",
    "Password",
    "Your",
    "Please",
    "Thank you",
    "Next",
    "Previous",
    "Back",
    "Edit",
    "Delete",
    "Add to basket",
    "Update",
    "View",
    "Details",
    "Welcome",
    "There are no",
    "No results",
    "Order",
    "Product",
    "Producer",
    "Shipment",
    "Payment",
    "Refund",
    "Statement",
    "Inspection",
    "Waybill",
    "Label",
    "Lot",
    "Profile",
    "Account",
    "Settings",
    "Language",
    "Sign",
    "Awaiting",
)
# Vietnamese that reads as a machine's: Oscar's catalogue had these on our pages.
STILTED = (
    "khách vãn lai",
    "lời nhắc nhở mật khẩu",
    "hách hàng mới",
    "Những thông báo",
    "Những giỏ hàng",
    "Hiển thị giỏ hàng",
    "Bây giờ giỏ hàng",
    "Gỡ bỏ",
    "Kết tiếp",
    "Quyền bị từ chối",
    "Trường này là bắt buộc",
    "Nó phải chứa",
    "Nhập một số tổng thể",
    "Thứ tự kết quả tìm kiếm",
)
SLIP = re.compile(r"\b(" + "|".join(re.escape(s) for s in SLIPS) + r")\b", re.IGNORECASE)
STILTED_RE = re.compile(r"\b(" + "|".join(re.escape(s) for s in STILTED) + r")\b", re.IGNORECASE)
HIDDEN = ("script", "style", "noscript", "template", "svg", "head")


def visible_text(html: str) -> str:
    """The words a reader of the Vietnamese page sees."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(HIDDEN):
        tag.decompose()
    for tag in soup.find_all(lang=True):
        if tag.name != "html" and not tag["lang"].lower().startswith("vi"):
            tag.decompose()
    return " ".join(soup.get_text(" ").split())


def slips_in(html: str) -> list[str]:
    text = visible_text(html)
    found = []
    # Codes written in capitals (a shipping method's "PER-PRODUCER") are not words to translate.
    matches = [m for m in SLIP.finditer(text) if not m.group(0).isupper()]
    for match in [*matches, *STILTED_RE.finditer(text)]:
        start, end = max(0, match.start() - 40), match.end() + 40
        found.append(f"{match.group(0)!r} in …{text[start:end]}…")
    return found


class Walk:
    """Pages visited by one reader; what each showed in English."""

    def __init__(self, client: Client):
        self.client = client
        self.slips: dict[str, list[str]] = {}

    def read(self, response, label: str) -> str:
        assert response.status_code == 200, (label, response.status_code, response.get("Location"))
        if not response["Content-Type"].startswith("text/html"):
            return ""
        html = response.content.decode()
        found = slips_in(html)
        if found:
            self.slips[label] = found
        return html

    def get(self, url: str, **params) -> str:
        return self.read(self.client.get(url, params, follow=True), f"GET {url}")

    def post(self, url: str, data: dict) -> str:
        return self.read(self.client.post(url, data, follow=True), f"POST {url}")


def test_the_slip_finder_reads_text_only():
    page = (
        '<html lang="vi"><head><title>Basket</title></head><body>'
        '<a href="/basket/" title="Checkout">Giỏ hàng</a><script>var x = "Paid";</script>'
        '<ul><li lang="en"><a href="/en/">English</a></li></ul>'
        "<p>Trạng thái: Pending payment</p><p>Mua ngay</p></body></html>"
    )
    assert [s.split(" in ")[0] for s in slips_in(page)] == ["'Pending payment'"]
    assert slips_in("<p>Đơn hàng đã thanh toán (Paid).</p>")
    assert not slips_in("<p>Thanh toán qua VietQR hoặc Viettel Post</p>")
    assert not slips_in("<p>Mã phương thức PER-PRODUCER</p>")
    assert slips_in("<p>Tôi muốn thanh toán như là một khách vãn lai</p>")
    assert slips_in("<p>Những hách hàng mới</p>")
    assert not slips_in("<p>Khách hàng mới</p>")


def test_every_status_reads_in_vietnamese():
    shown = {status: status_label(status) for status in statuses.LABELS}
    assert all(shown.values())
    english = {status: text for status, text in shown.items() if SLIP.search(text)}
    assert english == {}
    assert status_label(statuses.CASH_ON_DELIVERY) == "Thanh toán khi nhận hàng (COD)"
    assert status_label(statuses.PENDING_PAYMENT) == "Đang chờ thanh toán"
    assert status_label("Returned") == "Đã hoàn về nhà sản xuất"


@pytest.fixture
def shop_floor(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.RATE_LIMITS = {
        name: {**limit, "rate": "100000/m"} for name, limit in settings.RATE_LIMITS.items()
    }
    maker = factories.producer("HTX Mật ong bạc hà Đồng Văn")
    category = factories.category("Mật ong")
    honey = factories.product(
        "Mật ong bạc hà 500ml", maker=maker, categories=[category], description="<p>Thơm</p>"
    )
    home = content.home()
    home.body = content.stream(content.products_block(honey))
    home.save_revision().publish()
    return {"maker": maker, "category": category, "honey": honey}


def _checkout(walk: Walk, product, *, guest_email: str | None, method: str = "cod") -> str:
    flow.vietnam()
    walk.get(product.get_absolute_url())
    walk.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    walk.get(reverse("basket:summary"))
    walk.get(reverse("checkout:index"))
    if guest_email:
        walk.post(reverse("checkout:index"), {"username": "", "options": "anonymous"})
        walk.post(reverse("checkout:index"), {"username": guest_email, "options": "anonymous"})
    walk.get(reverse("checkout:shipping-address"))
    walk.post(reverse("checkout:shipping-address"), {**flow.ADDRESS, "phone_number": "12"})
    walk.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    walk.get(reverse("checkout:shipping-method"))
    walk.get(reverse("checkout:payment-method"))
    walk.post(reverse("checkout:payment-method"), {"method": method})
    walk.get(reverse("checkout:preview"))
    return walk.post(reverse("checkout:preview"), {"action": "place_order"})


def test_a_guest_buyer_meets_no_english(shop_floor):
    walk = Walk(Client())
    honey, category = shop_floor["honey"], shop_floor["category"]
    walk.get("/")
    walk.get(category.get_absolute_url())
    walk.get(reverse("catalogue:index"))
    walk.get(reverse("catalogue:origin-index"))
    walk.get(reverse("producers:index"))
    walk.get(shop_floor["maker"].get_absolute_url())
    walk.get(reverse("search:search"), q="mật ong")
    walk.get(reverse("search:search"), q="không có gì như thế")
    walk.get(reverse("basket:summary"))
    _checkout(walk, honey, guest_email="mai@example.com")
    order = Order.objects.get()
    assert order.status == statuses.CASH_ON_DELIVERY
    walk.get(order_payment_url(order))
    hash_ = order.verification_hash()
    walk.get(reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": hash_}))
    # Signing in, registering and resetting a password, with the errors people make.
    walk.get(reverse("customer:login"))
    walk.post(reverse("customer:login"), {"login_submit": "1", "login-username": "x@x.vn"})
    walk.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": "mai@example.com", "login-password": "sai"},
    )
    walk.post(
        reverse("customer:register"),
        {
            "registration_submit": "1",
            "registration-email": "không-phải-email",
            "registration-password1": "123",
            "registration-password2": "1234",
        },
    )
    walk.post(
        reverse("customer:register"),
        {
            "registration_submit": "1",
            "registration-email": "mai@example.com",
            "registration-password1": "password",
            "registration-password2": "password",
        },
    )
    walk.get(reverse("password-reset"))
    walk.post(reverse("password-reset"), {"email": "sai"})
    walk.post(reverse("password-reset"), {"email": "mai@example.com"})
    walk.get(reverse("password-reset-confirm", kwargs={"uidb64": "MQ", "token": "sai-sai"}))
    walk.get(reverse("password-reset-complete"))
    assert walk.slips == {}


def test_a_signed_in_buyer_meets_no_english(shop_floor):
    buyer = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")
    client = Client()
    client.force_login(buyer)
    walk = Walk(client)
    _checkout(walk, shop_floor["honey"], guest_email=None, method="vietqr")
    order = Order.objects.get(user=buyer)
    assert order.status == statuses.PENDING_PAYMENT
    walk.get(order_payment_url(order))
    walk.get(reverse("customer:summary"))
    walk.get(reverse("customer:order-list"))
    detail = walk.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert "Đang chờ thanh toán" in detail
    walk.get(reverse("customer:profile-update"))
    walk.post(reverse("customer:profile-update"), {"email": "sai"})
    walk.get(reverse("customer:change-password"))
    walk.post(
        reverse("customer:change-password"),
        {"old_password": "sai", "new_password1": "12345678", "new_password2": "12345678"},
    )
    walk.get(reverse("customer:address-list"))
    walk.get(reverse("customer:address-create"))
    walk.post(reverse("customer:address-create"), {})
    walk.get(reverse("customer:email-list"))
    assert walk.slips == {}


def _crawl(walk: Walk, world, scope: tuple[str, ...], skip: tuple[str, ...] = ()) -> int:
    """GET every page of the resolver under `scope` with the world's ids: each route's first
    URL that answers with a page."""
    read = 0
    for route in routes():
        if not route.startswith(scope) or any(part in route for part in skip):
            continue
        for url in urls_for(route, world["values"]):
            response = walk.client.get(url)
            if response.status_code == 200:
                walk.read(response, f"GET {url}")
                read += 1
                break
    return read


def test_a_producer_meets_no_english(world):
    """Producer B, whose orders were paid in cash, shipped and settled, on every page of theirs."""
    b_user = world["b"].users.get()
    client = Client()
    client.force_login(b_user)
    walk = Walk(client)
    assert _crawl(walk, world, ("dashboard/producer/", "trace/lots/", "shipping/")) >= 10
    walk.get(reverse("dashboard:index"))
    assert walk.slips == {}


def test_an_inspector_meets_no_english(world):
    inspector = get_user_model().objects.create_user("kiem-dinh", "kd@example.com", "pw-12345678")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    client = Client()
    client.force_login(inspector)
    walk = Walk(client)
    walk.get(reverse("traceability:inspections"))
    walk.get(reverse("traceability:signing-key"))
    walk.get(reverse("traceability:inspect", kwargs={"pk": world["ids"]["lot"][0]}))
    # The lot's public page, as a buyer who scanned its label reads it.
    walk.client = Client()
    walk.get(Lot.objects.get(pk=world["ids"]["lot"][0]).get_absolute_url())
    assert walk.slips == {}


def test_an_operator_meets_no_english_on_the_main_pages(world, settings):
    settings.PAYMENT_COD_MAX_TOTAL = Decimal(100_000_000)
    operator = get_user_model().objects.create_superuser(
        "van-hanh", "van-hanh@example.com", "pw-123456789"
    )
    client = Client()
    client.force_login(operator)
    walk = Walk(client)
    number = world["b_only"].number
    for name, kwargs in (
        ("dashboard:index", {}),
        ("dashboard:order-list", {}),
        ("dashboard:order-detail", {"number": number}),
        ("dashboard:order-stats", {}),
        ("dashboard:catalogue-product-list", {}),
        ("dashboard:catalogue-category-list", {}),
        ("dashboard:partner-list", {}),
        ("dashboard:users-index", {}),
    ):
        walk.get(reverse(name, kwargs=kwargs))
    walk.get(reverse("dashboard:order-list"), status=statuses.PAID)
    skip = ("producer/", "simulator", "lockouts/", "csv", "download", "labels")
    assert _crawl(walk, world, ("dashboard/payments/", "dashboard/settlements/"), skip) >= 3
    assert _crawl(walk, world, ("dashboard/applications/", "dashboard/listings/"), skip) >= 2
    assert _crawl(walk, world, ("dashboard/waybills/", "trace/operator/"), skip) >= 1
    assert walk.slips == {}
