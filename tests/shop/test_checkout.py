"""A guest checks out as far as the order preview (payments are tested in tests/payments)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests import factories

pytestmark = pytest.mark.django_db

ConditionalOffer = get_model("offer", "ConditionalOffer")
Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
Range = get_model("offer", "Range")


@pytest.fixture
def vietnam():
    from tests.payments import flow

    return flow.vietnam()  # the address app's migration made it; a flushed database has not


def test_guest_checkout_reaches_the_order_preview(client, vietnam):
    item = factories.product("Mật ong bạc hà 500ml", price="350000")
    client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 2})
    basket = client.get(reverse("basket:summary")).content.decode()
    assert "700.000\xa0₫" in basket

    response = client.post(
        reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "Phạm Thị Mai",
            "phone_number": "0912 345 678",
            "province_code": "8",
            "ward_code": "721",
            "line1": "12 Phố Cổ",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    # One shipping method: the flow walks on to the choice of payment method.
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("checkout:payment-method")
    response = client.post(reverse("checkout:payment-method"), {"method": "vietqr"})
    assert response["Location"] == reverse("checkout:preview")
    response = client.get(reverse("checkout:preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật ong bạc hà 500ml" in html
    assert "700.000\xa0₫" in html


def test_percentage_discounts_leave_whole_dong(client):
    item = factories.product("Chè Shan Tuyết", price="99999")
    everything = Range.objects.create(name="Tất cả", includes_all_products=True)
    ConditionalOffer.objects.create(
        name="Giảm 15%",
        offer_type=ConditionalOffer.SITE,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=15),
    )
    client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 1})
    response = client.get(reverse("basket:summary"))
    basket = response.context["basket"]
    assert basket.total_incl_tax == basket.total_incl_tax.to_integral_value()
    assert basket.total_discount == Decimal("14999")
    assert basket.total_incl_tax == Decimal("85000")
    assert re.search(r"85\.000\xa0₫", response.content.decode())
