"""Inspectors and producers find their traceability work: where they land after signing in,
their menus, and the inspector's signing form (plain words, the lot's history, and a lab report
kept when the signature failed)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.uploads.storage import private
from tests import factories
from tests.traceability.conftest import PASSPHRASE
from traceability import services
from traceability.models import HeldLabReport

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456789"


def _login(client: Client, email: str, password: str = PASSWORD, *, prefix: str = "") -> str:
    """Sign in through the shop's login form; returns where the site sends the person."""
    response = client.post(
        prefix + reverse("customer:login"),
        {"login-username": email, "login-password": password, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    assert response["Location"] == prefix + "/signed-in/"
    onward = client.get(response["Location"])
    assert onward.status_code == 302
    return onward["Location"]


def _report(name: str = "phieu-kiem-nghiem.pdf", data: bytes = b"%PDF-1.4 lab report"):
    report = io.BytesIO(data)
    report.name = name
    return report


def _visible(html: str) -> str:
    """The page's words a reader sees without opening a collapsed <details> block."""
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


# --------------------------------------------------------------------------- landing and menus


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_an_inspector_lands_on_the_inspection_queue_and_has_a_menu(
    client, django_user_model, prefix
):
    inspector = django_user_model.objects.create_user("kiem", "kiem@example.vn", PASSWORD)
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    assert _login(client, "kiem@example.vn", prefix=prefix) == prefix + "/trace/inspections/"

    queue = client.get(prefix + "/trace/inspections/").content.decode()
    header = queue[: queue.index('id="main"')]
    assert f'href="{prefix}/trace/inspections/"' in header  # in the header on every page
    menu = re.search(r'<nav class="section-menu".*?</nav>', queue, re.S).group(0)
    for url in ("/trace/inspections/", "/trace/scan/", "/trace/inspections/key/"):
        assert f'href="{prefix}{url}"' in menu
    assert 'aria-current="page">' in menu
    basket = client.get(prefix + "/shop/basket/").content.decode()
    assert f'href="{prefix}/trace/inspections/"' in basket


def test_a_producer_lands_on_their_dashboard_and_reaches_lots_and_labels(client, make_lot):
    maker = factories.producer()
    producer = factories.producer_user(maker, email="sinh@example.vn")
    lot = make_lot(factories.product(maker=maker), actor=producer)
    assert _login(client, "sinh@example.vn") == "/dashboard/producer/"

    dashboard = client.get("/dashboard/producer/").content.decode()
    assert 'href="/trace/lots/"' in dashboard  # the dashboard menu: lots and origin labels
    lots = client.get("/trace/lots/").content.decode()
    assert "navbar-primary" in lots and 'href="/dashboard/producer/"' in lots  # still the menu
    assert f'href="/trace/lots/{lot.pk}/"' in lots
    manage = client.get(f"/trace/lots/{lot.pk}/").content.decode()
    assert f'action="/trace/lots/{lot.pk}/labels.pdf"' in manage
    assert 'href="/trace/lots/"' in manage
    basket = client.get("/shop/basket/").content.decode()
    assert 'href="/dashboard/producer/"' in basket  # "My shop" in the shop's header


def test_a_buyer_lands_on_the_shop_and_an_asked_for_page_wins(client, django_user_model):
    django_user_model.objects.create_user("mai", "mai@example.vn", PASSWORD)
    assert _login(client, "mai@example.vn") == "/"
    client.logout()
    assert _login(Client(), "mai@example.vn", prefix="/en") == "/en/"
    response = Client().post(
        reverse("customer:login") + "?next=/shop/basket/",
        {
            "login-username": "mai@example.vn",
            "login-password": PASSWORD,
            "login_submit": "1",
            "login-redirect_url": "/shop/basket/",
        },
    )
    assert response["Location"] == "/shop/basket/"


def test_signed_in_page_sends_anonymous_visitors_home(client):
    assert client.get("/signed-in/")["Location"] == "/"


# --------------------------------------------------------------------------- the signing form


def test_the_signing_form_speaks_plainly_and_shows_the_lot_s_history(client, make_lot, inspector):
    lot = make_lot(details="Thu hái ở Lũng Cú")
    services.event_record(
        lot=lot, biz_step="packing", actor=None, details="Đóng 240 hũ", role="producer"
    )
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    html = client.get(url).content.decode()
    words = _visible(html)
    assert "Khi bạn ký, kết quả được ghi lại vĩnh viễn dưới tên bạn" in words
    for jargon in ("EIP-712", "mã băm", "digest", "SHA-256", "keystore"):
        assert jargon not in words, jargon
    assert "<details" in html and "EIP-712" in html  # kept for the curious, collapsed
    history = html[html.index("Lịch sử của lô") :]
    assert "Thu hoạch hoặc sản xuất" in history and "Thu hái ở Lũng Cú" in history
    assert "Đóng gói" in history and "Đóng 240 hũ" in history
    english = client.get("/en" + url).content.decode()
    assert "Signing records your result under your name for good" in _visible(english)
    assert "The lot&#x27;s history" in english or "The lot's history" in english


def test_a_wrong_passphrase_keeps_the_lab_report_for_the_next_try(client, make_lot, inspector):
    lot = make_lot()
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    data = {"result": "pass", "notes": "Đạt", "passphrase": "sai mật khẩu"}
    wrong = client.post(url, {**data, "lab_report": _report()})
    page = wrong.content.decode()
    assert "Mật khẩu ký không đúng" in page
    held = HeldLabReport.objects.get(inspector=inspector, lot=lot)
    assert held.name == "phieu-kiem-nghiem.pdf" and held.media_type == "application/pdf"
    assert private.exists(held.file.name)
    assert "phieu-kiem-nghiem.pdf" in page and "không cần chọn lại tệp" in page
    assert f'name="held_report" value="{held.token}"' in page

    # Sent again without choosing the file: the kept one is attached, then forgotten.
    response = client.post(url, {**data, "passphrase": PASSPHRASE, "held_report": held.token})
    assert response.status_code == 302
    event = lot.events.order_by("seq").last()
    attachment = event.attachments.get()
    assert attachment.name == "phieu-kiem-nghiem.pdf"
    assert attachment.file.read() == b"%PDF-1.4 lab report"
    assert not HeldLabReport.objects.exists() and not private.exists(held.file.name)


def test_a_kept_report_is_only_the_inspector_s_own_for_that_lot(
    client, make_lot, inspector, django_user_model
):
    lot, other_lot = make_lot(), make_lot()
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    data = {"result": "pass", "notes": "Đạt", "passphrase": "sai mật khẩu"}
    client.post(url, {**data, "lab_report": _report()})
    held = HeldLabReport.objects.get()

    # Another inspector naming the token gets no file, on this lot or another.
    other = django_user_model.objects.create_user("khac", "khac@example.vn", PASSWORD)
    other.groups.add(Group.objects.get(name="Inspectors"))
    services.inspector_key_create(user=other, passphrase=PASSPHRASE)
    stranger = Client()
    stranger.force_login(other)
    page = stranger.post(url, {**data, "held_report": held.token}).content.decode()
    assert "phieu-kiem-nghiem.pdf" not in page and "đã hết hạn" in page
    # The same inspector on another lot: not offered there either.
    other_url = reverse("traceability:inspect", kwargs={"pk": other_lot.pk})
    assert "phieu-kiem-nghiem.pdf" not in client.get(other_url).content.decode()
    # A token that is not a UUID is no error page.
    assert client.post(url, {**data, "held_report": "../../etc"}).status_code == 200
    assert HeldLabReport.objects.count() == 1


def test_a_kept_report_expires_and_is_never_reused_after(client, make_lot, inspector, settings):
    settings.TRACE_HELD_REPORT_SECONDS = 600
    lot = make_lot()
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    data = {"result": "pass", "notes": "Đạt", "passphrase": "sai mật khẩu"}
    client.post(url, {**data, "lab_report": _report()})
    held = HeldLabReport.objects.get()
    HeldLabReport.objects.filter(pk=held.pk).update(
        created_at=timezone.now() - timedelta(seconds=601)
    )
    # Signed with the right passphrase after expiry: refused, not signed without the report.
    page = client.post(url, {**data, "passphrase": PASSPHRASE, "held_report": held.token})
    assert page.status_code == 200 and "đã hết hạn: vui lòng chọn lại tệp" in page.content.decode()
    assert lot.events.count() == 1
    assert services.held_reports_expire() == 1
    assert not HeldLabReport.objects.exists() and not private.exists(held.file.name)


def test_only_a_checked_file_is_kept_and_the_inspector_may_drop_it(client, make_lot, inspector):
    lot = make_lot()
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    data = {"result": "pass", "notes": "Đạt", "passphrase": "sai mật khẩu"}
    forged = _report("phieu.pdf", b"<html><script>alert(1)</script></html>")
    page = client.post(url, {**data, "lab_report": forged}).content.decode()
    assert "“phieu.pdf”" in page  # the error names the file
    assert not HeldLabReport.objects.exists()

    client.post(url, {**data, "lab_report": _report()})
    held = HeldLabReport.objects.get()
    response = client.post(
        url,
        {**data, "passphrase": PASSPHRASE, "held_report": held.token, "forget_held_report": "on"},
    )
    assert response.status_code == 302
    assert not lot.events.order_by("seq").last().attachments.exists()
    assert not HeldLabReport.objects.exists()


# --------------------------------------------------------------------------- in a browser


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_inspector_signs_after_a_wrong_passphrase_without_choosing_the_file_again(
    django_db_setup, live_server, request, make_lot, inspector, tmp_path
):
    from playwright.sync_api import expect

    lot = make_lot(code="MO-2512-09")
    # the database first, then the browser (Playwright's event loop must not see its setup)
    page = request.getfixturevalue("phone")
    page.goto(live_server.url + reverse("customer:login"))
    page.locator("#id_login-username").fill("inspector@example.vn")
    page.locator("#id_login-password").fill("pw-123456")
    page.locator("button[name=login_submit]").click()
    expect(page).to_have_url(live_server.url + "/trace/inspections/")
    menu = page.get_by_role("navigation", name="Việc của kiểm định viên")
    expect(menu.get_by_role("link", name="Lô chờ kiểm tra")).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_role("link", name=re.compile("MO-2512-09")).click()
    expect(page.locator(".lot-history")).to_contain_text("Thu hoạch hoặc sản xuất")
    page.get_by_label("Đạt", exact=True).check()
    page.get_by_label("Ghi chú").fill("Mẫu đạt chỉ tiêu an toàn thực phẩm.")
    report = tmp_path / "phieu-kiem-nghiem.pdf"
    report.write_bytes(b"%PDF-1.4 ket qua kiem nghiem")
    page.get_by_label("Phiếu kết quả kiểm nghiệm").set_input_files(str(report))
    page.get_by_label("Mật khẩu ký").fill("không phải mật khẩu")
    page.get_by_role("button", name="Ký và ghi nhận").click()
    expect(page.locator(".errorlist")).to_contain_text("Mật khẩu ký không đúng.")
    expect(page.locator(".held-report")).to_contain_text("phieu-kiem-nghiem.pdf")
    expect(page.get_by_label("Ghi chú")).to_have_value("Mẫu đạt chỉ tiêu an toàn thực phẩm.")

    page.get_by_label("Mật khẩu ký").fill(PASSPHRASE)  # and no file chosen again
    page.get_by_role("button", name="Ký và ghi nhận").click()
    expect(page).to_have_url(live_server.url + lot.get_absolute_url())
    expect(page.locator(".attachments")).to_contain_text("phieu-kiem-nghiem.pdf")
    assert lot.events.order_by("seq").last().attachments.get().name == "phieu-kiem-nghiem.pdf"
