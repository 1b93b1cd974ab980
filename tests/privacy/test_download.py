"""A signed-in buyer downloads all their data, and only theirs."""

import json

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse

from shop.privacy import services
from shop.privacy.models import PrivacyRequest

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_json_holds_their_orders_lines_payments_shipments_and_consents(world, lan):
    services.consent_record(purpose="account", method="registration", user=world.mai)
    response = signed_in(world.mai).get(reverse("privacy:data-json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "mai@example.com"
    (order,) = data["orders"]
    assert order["number"] == world.order.number
    assert order["shipping_address"]["name"] == "Phạm Thị Mai"
    assert {line["quantity"] for line in order["lines"]} == {1, 2}
    assert order["payments"] and order["payments"][0]["method"] == "cod"
    assert {s["status"] for s in order["shipments"]} == {"delivered", "shipped"}
    assert data["consents"][0]["purpose"] == "account"
    assert len(data["consents"][0]["text_sha256"]) == 64
    assert set(data) >= {"addresses", "reviews", "complaints", "follows", "wishlists", "requests"}
    request = PrivacyRequest.objects.get(user=world.mai)
    assert (request.kind, request.state) == ("access", "done")

    # Lan gets hers: none of Mai's.
    hers = json.loads(signed_in(lan).get(reverse("privacy:data-json")).content)
    assert hers["orders"] == [] and hers["profile"]["email"] == "lan@example.com"
    assert world.order.number not in json.dumps(hers)


def test_the_pdf_reads_in_vietnamese(world):
    response = signed_in(world.mai).get(reverse("privacy:data-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Dữ liệu cá nhân của bạn" in text
    assert world.order.number in text
    assert "Phạm Thị Mai" in text
    assert "Địa chỉ nhận hàng:" in text and "shipping_address" not in text


@pytest.mark.parametrize("name", ["privacy:account", "privacy:data-json", "privacy:data-pdf"])
def test_anonymous_users_are_sent_to_sign_in(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and "login" in response.url


def _pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pdf_names_statuses_and_methods_in_words(world, language):
    from django.utils import translation

    from payments.gateways_registry import label as method_label
    from shop.fulfilment.models import Shipment
    from shop.order.statuses import label as status_label
    from shop.privacy.models import Method, Purpose

    services.consent_record(purpose="account", method="registration", user=world.mai)
    with translation.override(language):
        response = signed_in(world.mai).get(reverse("privacy:data-pdf"))
        text = _pdf_text(response.content)
        words = {
            "delivered": str(Shipment.Status.DELIVERED.label),
            "shipped": str(Shipment.Status.SHIPPED.label),
            "cod": method_label("cod"),
            "order": status_label(world.order.status),
            "purpose": str(Purpose.ACCOUNT.label),
            "how": str(Method.REGISTRATION.label),
        }
    for code, word in words.items():
        assert word and word in text, (code, word)
    for raw in (": delivered", ": shipped", ": cod", ": account", ": registration", ": access"):
        assert raw not in text, raw
