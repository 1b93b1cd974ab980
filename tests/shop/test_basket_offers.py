"""The basket middleware's offers (shop/basket/): the site's offers kept for the page generation
still start, change and end on time, and a voucher still applies."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.address.selectors import country_by_code
from shop.address.services import country_vietnam_ensure
from tests import factories

pytestmark = pytest.mark.django_db

ConditionalOffer = get_model("offer", "ConditionalOffer")
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")


def percent_off(percent: int, *, offer_type=ConditionalOffer.SITE, count: int = 1, **fields):
    everything = Range.objects.create(
        name=f"Tất cả {percent} {offer_type}", includes_all_products=True
    )
    return ConditionalOffer.objects.create(
        name=f"Giảm {percent}% ({offer_type})",
        offer_type=offer_type,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=count),
        benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=percent),
        **fields,
    )


@pytest.fixture
def basket_of_one(client):
    item = factories.product("Chè Shan Tuyết", price="100000")
    client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 1})

    def total() -> Decimal:
        return client.get(reverse("basket:summary")).context["basket"].total_incl_tax

    return total


def test_an_offer_made_after_the_basket_was_seen_applies_at_once(basket_of_one):
    assert basket_of_one() == Decimal("100000")
    offer = percent_off(10)
    assert basket_of_one() == Decimal("90000")
    offer.benefit.value = 20
    offer.benefit.save()
    assert basket_of_one() == Decimal("80000")
    offer.status = ConditionalOffer.SUSPENDED
    offer.save()
    assert basket_of_one() == Decimal("100000")


@pytest.mark.parametrize(
    "dates, before, after",
    [
        ({"start_datetime": timedelta(hours=1)}, "100000", "90000"),
        ({"end_datetime": timedelta(hours=1)}, "90000", "100000"),
    ],
    ids=["starts", "ends"],
)
def test_a_kept_offer_starts_and_ends_on_time(basket_of_one, monkeypatch, dates, before, after):
    """Kept for the generation, an offer is still checked against the time at each use."""
    now = timezone.now()
    percent_off(10, **{field: now + delta for field, delta in dates.items()})
    assert basket_of_one() == Decimal(before)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    assert basket_of_one() == Decimal(after)


def test_a_voucher_added_to_a_basket_applies(client, basket_of_one):
    assert basket_of_one() == Decimal("100000")
    voucher = Voucher.objects.create(
        name="Khách quen",
        code="KHACHQUEN",
        usage=Voucher.MULTI_USE,
        start_datetime=timezone.now() - timedelta(days=1),
        end_datetime=timezone.now() + timedelta(days=1),
    )
    voucher.offers.add(percent_off(25, offer_type=ConditionalOffer.VOUCHER))
    response = client.post(reverse("basket:vouchers-add"), {"code": "KHACHQUEN"})
    assert response.status_code == 302
    assert basket_of_one() == Decimal("75000")


def test_adding_and_the_basket_page_word_the_kept_offers(client):
    """Adding to the basket and the basket page apply the kept site offers and word Oscar's
    messages (what one more item would gain; the offer gained), reading no offer again."""
    item = factories.product("Cam sành", price="50000")
    offer = percent_off(10, count=2)
    add = reverse("basket:add", kwargs={"pk": item.pk})
    client.post(add, {"quantity": 1})  # the offers kept from here on

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("basket:summary"))
        added = client.post(add, {"quantity": 1})
    assert [m["offer"] for m in page.context["upsell_messages"]] == [offer]
    assert any(offer.name in str(m) for m in get_messages(added.wsgi_request))
    assert not [q for q in queries.captured_queries if "offer_conditionaloffer" in q["sql"]]
    assert client.get(reverse("basket:summary")).context["basket"].total_incl_tax == 90000


def test_a_country_edited_is_read_afresh():
    country = country_vietnam_ensure()
    assert country_by_code("VN").printable_name == country.printable_name
    country.printable_name = "Cộng hoà xã hội chủ nghĩa Việt Nam"
    country.save()
    assert country_by_code("VN").printable_name == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert country_by_code("ZZ") is None


def test_the_default_manager_finds_every_basket_and_open_only_open_ones():
    """The open baskets' manager reads `has_vouchers`; Oscar and Django find any basket by the
    default manager (a frozen or submitted one too)."""
    Basket = get_model("basket", "Basket")
    submitted = Basket.objects.create(status=Basket.SUBMITTED)
    opened = Basket.objects.create()
    assert Basket._default_manager.filter(pk=submitted.pk).exists()
    assert list(Basket.open.filter(pk__in=[submitted.pk, opened.pk])) == [opened]
    assert Basket.open.get(pk=opened.pk).has_vouchers is False
