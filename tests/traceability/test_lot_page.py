"""The lot page a shopper reads: plain words first (verified, who grew it, where, when, who
inspected it, is the history complete), photos, a way to buy, the technical proof folded; values
withheld at a person's request said so; and the scan counter, which counts distinct people a
day (not reloads, HEAD requests, prefetches, crawlers, the lot's own producer or inspectors)
and warns of a copied label from that count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tests.traceability.conftest import PASSPHRASE
from traceability import lotpage, scanners, services, tasks
from traceability.completeness import STOPS_EARLY, Completeness
from traceability.models import EventDisclosure, Lot, LotScan

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/131.0 Mobile"
WITHHELD = "đã ẩn theo yêu cầu của người này"


def person(address: str = "203.0.113.10", agent: str = PHONE, **extra) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **extra)


def scans(lot: Lot) -> int:
    lot.refresh_from_db()
    return lot.scan_count


def page(client: Client, lot: Lot, prefix: str = "") -> BeautifulSoup:
    response = client.get(prefix + lot.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


# --------------------------------------------------------------------------- plain words


def test_a_verified_lot_says_so_in_plain_words_with_its_inspector(make_lot, inspector):
    lot = make_lot(
        product=factories.product(image=True), ocop_certificate="OCOP-HG-2025-017", code="CHE-01"
    )
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    html = page(person(), lot)
    status = html.select_one(".lot-status")
    assert text(html.select_one(".lot-status-title")) == "Nguồn gốc đã được kiểm chứng"
    assert "Thời điểm ghi" in text(status)
    facts = text(html.select_one(".lot-plain"))
    assert lot.producer.name in facts and "Xã Đồng Văn" in facts
    assert "20/11/2025" in facts  # when it was harvested
    inspections = html.select(".lot-inspections li")
    assert len(inspections) == 1
    assert "Đạt" in text(inspections[0]) and "thanh-tra" in text(inspections[0])
    assert "kiểm định viên được công nhận" in text(inspections[0])
    # Photos of the product, and a way to buy it, at its price.
    photo = html.select_one(".lot-photos img")
    assert photo is not None and photo["alt"] and photo["src"]
    buy = html.select_one(".lot-buy a")
    assert buy["href"] == lot.product.get_absolute_url() and "Mua sản phẩm này" in text(buy)
    assert "350.000" in text(html.select_one(".lot-buy"))
    # The technical proof is folded below the plain words and the history.
    proof = html.select_one("details.lot-proof")
    assert proof is not None and not proof.has_attr("open")
    assert lot.gtin14 in text(proof) and "?format=json" in str(proof)
    assert text(proof).count("0x") >= 2  # the events' digests
    plain = str(html.select_one("article"))
    assert plain.index("lot-plain") < plain.index("timeline") < plain.index("lot-proof")
    # Both hooks for the certificates and the buyer's own check stay in place.
    assert plain.index("lot-buy") < plain.index("lot-proof")


def test_a_lot_waiting_or_without_inspection_says_what_is_missing(make_lot):
    lot = make_lot()
    html = page(person(), lot)
    assert text(html.select_one(".lot-status-title")) == "Chờ ghi lên sổ cái"
    assert "Chưa được kiểm định." in text(html.select_one(".lot-plain"))
    assert html.select_one(".lot-photos") is None  # the product has no photo


def test_a_flagged_lot_offers_no_way_to_buy(make_lot):
    lot = make_lot()
    Lot.objects.filter(pk=lot.pk).update(flagged_at=timezone.now(), flag_reason="Dư lượng")
    html = page(person(), lot)
    assert html.select_one(".lot-flag") is not None and html.select_one(".lot-buy") is None


def test_a_tampered_lot_warns_opens_its_proof_and_offers_no_way_to_buy(make_lot, tester_chain):
    lot = make_lot()
    tasks.anchor_pending.delay()
    Lot.objects.filter(pk=lot.pk).update(origin_ward_name="Xã Khác")
    html = page(person(), lot)
    assert "lot-status-tampered" in html.select_one(".lot-status")["class"]
    assert "Đừng tin nhãn này." in text(html.select_one(".lot-status"))
    proof = html.select_one("details.lot-proof")
    assert proof.has_attr("open") and "origin" in text(proof.select_one(".lot-problems"))
    assert html.select_one(".lot-buy") is None


def erase(lot: Lot) -> None:
    EventDisclosure.objects.filter(event__lot=lot).update(
        salt="", value=None, erased_at=timezone.now()
    )


def test_a_household_erased_at_its_request_is_withheld_not_shown_as_a_hash(settings):
    settings.TRACE_EVENT_SCHEMA = 2
    household = factories.producer(name="Hộ ông Lù Văn Páo")
    household.kind = "household"
    household.save()
    user = factories.producer_user(household, email="pao@example.vn")
    user.first_name, user.last_name = "Páo", "Lù Văn"
    user.save()
    lot = services.lot_create(
        product=factories.product(maker=household),
        code="PAO-01",
        production_date=date(2025, 11, 20),
        quantity=Decimal("30"),
        unit="KGM",
        actor=user,
        latitude=Decimal("23.27"),
        longitude=Decimal("105.36"),
    )
    before = page(person(), lot)
    assert "Hộ ông Lù Văn Páo" in text(before.select_one(".lot-plain"))
    where = before.select_one(".lot-plain a[href*=openstreetmap]")
    assert where["href"].startswith("https://www.openstreetmap.org/?mlat=23.27&mlon=105.36")
    assert "Lù Văn Páo" in text(before.select_one(".timeline"))

    erase(lot)
    after = page(person(), lot)
    plain, history = after.select_one(".lot-plain"), after.select_one(".timeline")
    assert "Lù Văn Páo" not in text(after.select_one("article"))
    assert "openstreetmap" not in str(after)
    assert WITHHELD in text(plain) and "Vị trí chính xác" in text(plain)
    assert WITHHELD in text(history)
    assert "chophien:commitment" not in str(after)
    # The technical proof names what is withheld; the record is still intact.
    proof = text(after.select_one(".lot-proof"))
    assert "/chophien:actor/name" in proof and "/bizLocation/chophien:geo" in proof
    assert after.select_one(".lot-status-tampered") is None


def test_the_inspectors_form_shows_a_withheld_name_in_words(settings, inspector):
    settings.TRACE_EVENT_SCHEMA = 2
    partner = factories.producer()
    user = factories.producer_user(partner, email="mai@example.vn")
    user.first_name, user.last_name = "Mai", "Phạm Thị"
    user.save()
    lot = services.lot_create(
        product=factories.product(maker=partner),
        code="MAI-01",
        production_date=date(2025, 11, 20),
        quantity=Decimal("5"),
        unit="KGM",
        actor=user,
    )
    erase(lot)
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    client = Client()
    client.force_login(inspector)
    html = client.get(reverse("traceability:inspect", kwargs={"pk": lot.pk})).content.decode()
    assert WITHHELD in html and "chophien:commitment" not in html


def test_completeness_in_words(make_lot):
    """The plain facts say check 7 in the words of the lot's check (one source of words)."""
    from traceability import selectors

    lot = make_lot()
    bundle = {"events": [{"anchor": {"root": "0x" + "aa" * 32}}], "head": {"count": 1}}

    def words(completeness, problems=()):
        verdict = SimpleNamespace(completeness=completeness, problems=list(problems))
        with translation.override("en"):
            note = selectors.completeness_note(verdict, bundle)
            facts = lotpage.plain_facts(lot=lot, items=[], completeness=note)
            return facts.completeness_words

    assert words(None) == ""
    assert "every event up to the last one anchored" in words(Completeness.COMPLETE)
    assert "anchored before the ledger recorded" in words(Completeness.NOT_PROVABLE)
    assert "could not be asked" in words(Completeness.UNCHECKED)
    assert "stops before its last anchored event" in words(Completeness.INCOMPLETE, [STOPS_EARLY])
    assert "does not match this history" in words(
        Completeness.INCOMPLETE, ["the head does not match the history"]
    )


def test_an_incomplete_history_is_said_on_the_page(make_lot, monkeypatch):
    from traceability import selectors

    lot = make_lot()
    real = selectors.lot_check

    def truncated(*, lot):
        check = real(lot=lot)
        check.verdict.completeness = Completeness.INCOMPLETE
        check.verdict.problems.append(STOPS_EARLY)
        return check

    monkeypatch.setattr(selectors, "lot_check", truncated)
    html = page(person(), lot)
    assert html.select_one("article")["data-completeness"] == "incomplete"
    assert "dừng lại trước sự kiện cuối cùng" in text(html.select_one(".lot-completeness"))


# --------------------------------------------------------------------------- honest counts


def test_head_prefetch_crawlers_and_tools_are_not_scans(make_lot):
    lot = make_lot()
    path = lot.get_absolute_url()
    assert person().head(path).status_code == 200
    prefetches = (
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    )
    for n, headers in enumerate(prefetches):
        assert person(f"198.51.100.{n}", **headers).get(path).status_code == 200
    for n, agent in enumerate(
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "TelegramBot (like TwitterBot)",
            "WhatsApp/2.23.20.0",
            "Zalo-link-preview",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "",
        )
    ):
        assert person(f"192.0.2.{n}", agent=agent).get(path).status_code == 200
    assert scans(lot) == 0 and not LotScan.objects.filter(lot=lot).exists()
    assert "Chưa ai quét nhãn này." in person("192.0.2.200", agent="curl/8").get(
        path
    ).content.decode("utf-8")
    # A person's GET counts, in a chat app's own browser too (people open labels from Zalo).
    person().get(path)
    assert scans(lot) == 1
    zalo = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Zalo android/12100 ZaloTheme/light"
    facebook = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]"
    person("198.51.100.200", agent=zalo).get(path)
    person("198.51.100.201", agent=facebook).get(path)
    assert scans(lot) == 3


def test_a_changed_browser_or_a_thrown_away_cookie_is_not_another_person(make_lot):
    lot = make_lot()
    path = lot.get_absolute_url()
    for n in range(5):  # a script on one address, a new user agent each time, no cookie
        person("203.0.113.5", agent=f"Mozilla/5.0 (Android {n}) Chrome/{100 + n}").get(path)
    assert scans(lot) == 1
    # IPv6: one subscriber holds a whole /64.
    for suffix in ("1", "2", "abcd:1"):
        person(f"2001:db8:1:2::{suffix}").get(path)
    assert scans(lot) == 2
    person("2001:db8:1:3::1").get(path)
    assert scans(lot) == 3


def test_each_person_counts_once_a_day_and_again_the_next_day(make_lot, monkeypatch):
    lot = make_lot()
    path = lot.get_absolute_url()
    phone = person()
    phone.get(path)
    phone.get(path)
    assert scans(lot) == 1
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    phone.get(path)
    phone.get(path)
    assert scans(lot) == 2
    assert set(LotScan.objects.filter(lot=lot).values_list("day", flat=True)) == {
        tomorrow,
        tomorrow - timezone.timedelta(days=1),
    }


def test_the_lots_producer_and_inspectors_are_not_scanners(make_lot, django_user_model):
    partner = factories.producer()
    lot = make_lot(product=factories.product(maker=partner))
    producer = Client(HTTP_USER_AGENT=PHONE)
    producer.force_login(factories.producer_user(partner))
    inspector = django_user_model.objects.create_user("kd", "kd@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    inspecting = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.80")
    inspecting.force_login(inspector)
    assert "Quản lý lô này" in producer.get(lot.get_absolute_url()).content.decode()
    inspecting.get(lot.get_absolute_url())
    assert scans(lot) == 0


def test_packages_and_the_copied_label_threshold(make_lot, settings):
    settings.TRACE_SCANS_PER_PACKAGE, settings.TRACE_SCANS_WARNING_MIN = 3, 20
    honey = factories.product()
    honey.net_quantity, honey.net_unit = Decimal("500"), "ml"
    honey.save()
    jars = make_lot(product=honey, quantity=Decimal("12"), unit="LTR")  # 24 jars of 500 ml
    summary = scanners.scan_summary(lot=jars)
    assert (summary.packages, summary.threshold, summary.suspicious) == (24, 72, False)
    tea = factories.product(title="Chè Shan tuyết")
    tea.net_quantity, tea.net_unit = Decimal("200"), "g"
    tea.save()
    assert scanners.scan_summary(lot=make_lot(product=tea, quantity=Decimal("1"))).packages == 5
    pieces = make_lot(product=factories.product(title="Bánh"), quantity=Decimal("4"), unit="H87")
    assert scanners.scan_summary(lot=pieces).packages == 4
    assert scanners.scan_summary(lot=pieces).threshold == 20  # never below the minimum
    unknown = make_lot(product=factories.product(title="Gạo"), quantity=Decimal("100"))
    assert scanners.scan_summary(lot=unknown).packages is None
    mismatched = factories.product(title="Mật")
    mismatched.net_quantity, mismatched.net_unit = Decimal("1"), "kg"
    mismatched.save()
    assert scanners.scan_summary(lot=make_lot(product=mismatched, unit="LTR")).packages is None


def test_many_distinct_scanners_warn_of_a_copied_label(make_lot, settings):
    settings.TRACE_SCANS_PER_PACKAGE, settings.TRACE_SCANS_WARNING_MIN = 1, 3
    product = factories.product()
    product.net_quantity, product.net_unit = Decimal("1"), "piece"
    product.save()
    lot = make_lot(product=product, quantity=Decimal("3"), unit="H87")
    for n in range(2):
        html = page(person(f"198.51.100.{n}"), lot)
    assert html.select_one(".lot-scan-warning") is None
    assert "2 người đã quét nhãn này" in text(html.select_one(".lot-scans"))
    # Reloads by the same two people never reach the warning ...
    for n in range(2):
        for _ in range(3):
            html = page(person(f"198.51.100.{n}"), lot)
    assert html.select_one(".lot-scan-warning") is None
    # ... a third person does: three scanners for three packages.
    html = page(person("198.51.100.9"), lot)
    warning = html.select_one(".lot-scan-warning")
    assert warning is not None and warning["role"] == "alert"
    assert "Nhãn này có thể là nhãn giả." in text(warning) and "3 gói" in text(warning)
