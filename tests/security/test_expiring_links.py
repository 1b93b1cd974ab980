"""Links that should expire do: an applicant's status link and an order's payment link stop
working after their time and can be sent again; a gateway's unsigned return address never
hands a stranger a link to the order."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from payments import selectors as payment_selectors
from payments.models import PaymentAttempt
from shop.onboarding import links
from shop.onboarding.models import Application
from tests import factories
from tests.onboarding.conftest import valid_data
from tests.payments import flow

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


@pytest.fixture
def made_days_ago(monkeypatch):
    """Signs what is made inside it as if `days` ago (Django's signatures carry the time)."""
    from contextlib import contextmanager

    @contextmanager
    def at(days: float):
        real = time.time
        monkeypatch.setattr(signing.time, "time", lambda: real() - days * DAY)
        try:
            yield
        finally:
            monkeypatch.setattr(signing.time, "time", real)

    return at


def paths_in(message, pattern: str) -> list[str]:
    return [
        urlsplit(url).path
        for url in re.findall(r"https?://\S+", message.body)
        if re.search(pattern, urlsplit(url).path)
    ]


# --------------------------------------------------------------------------- applicants


@pytest.fixture
def application(client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:apply"), valid_data())
    mail.outbox.clear()
    return Application.objects.get()


def status_path(application) -> str:
    return reverse("onboarding:status", kwargs={"token": links.status_token(application.pk)})


def test_the_default_lifetime_is_thirty_days(settings):
    assert settings.ONBOARDING_STATUS_LINK_MAX_AGE == 30 * DAY
    assert settings.PAYMENT_LINK_MAX_AGE == 7 * DAY


def test_a_status_link_expires(client, application, made_days_ago):
    assert client.get(status_path(application)).status_code == 200
    with made_days_ago(29):
        recent = status_path(application)
    assert client.get(recent).status_code == 200
    with made_days_ago(31):
        old = status_path(application)
    response = client.get(old)
    assert response.status_code == 410
    page = response.content.decode()
    assert application.name not in page and reverse("onboarding:status-resend") in page


@pytest.mark.parametrize("typed", ["HTX.DongVan@Example.com", "0912 345 678", "+84912345678"])
def test_an_applicant_gets_a_fresh_link_by_email(
    client, application, typed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:status-resend"), {"contact": typed})
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == [application.email]
    (path,) = paths_in(message, r"/shop/sell/status/.+")
    page = client.get(path)
    assert page.status_code == 200 and application.name in page.content.decode()


def test_asking_does_not_reveal_whether_an_application_exists(
    client, application, django_capture_on_commit_callbacks
):
    def ask(contact):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("onboarding:status-resend"), {"contact": contact})
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return response.status_code, re.sub(r'nonce="[^"]+"', "", page)  # per response

    known = ask(application.email)
    assert len(mail.outbox) == 1
    unknown = ask("nobody@example.com")
    unknown_phone = ask("0987 654 321")
    assert known == unknown == unknown_phone
    assert len(mail.outbox) == 1  # nobody else was written to


def test_a_bad_contact_is_a_form_error(client, application):
    response = client.post(reverse("onboarding:status-resend"), {"contact": "not a contact"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not mail.outbox


# --------------------------------------------------------------------------- payment links


def place(client):
    flow.checkout(client, products=[(flow.honey(), 1)], method="vietqr")
    mail.outbox.clear()
    return flow.latest_order()


def payment_path(order) -> str:
    return payment_selectors.order_payment_url(order)


def test_a_payment_link_expires_and_a_new_one_is_emailed(
    client, made_days_ago, django_capture_on_commit_callbacks
):
    order = place(client)
    with made_days_ago(6):
        recent = payment_path(order)
    assert Client().get(recent).status_code == 200
    with made_days_ago(8):
        old = payment_path(order)
    stranger = Client()
    expired = stranger.get(old)
    assert expired.status_code == 410
    assert order.email not in expired.content.decode()  # nothing of the order is shown
    assert "order-total" not in expired.content.decode()
    token = old.rstrip("/").rsplit("/", 1)[-1]
    assert (
        stranger.get(reverse("payments:order-status", kwargs={"token": token})).status_code == 410
    )
    assert stranger.get(reverse("payments:order-qr", kwargs={"token": token})).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        sent = stranger.post(reverse("payments:order-resend", kwargs={"token": token}))
    assert sent.status_code == 200 and order.email not in sent.content.decode()
    (message,) = mail.outbox
    assert message.to == [order.email]
    (fresh,) = paths_in(message, r"/payments/order/.+")
    assert stranger.get(fresh).status_code == 200


def test_a_forged_payment_link_is_404_and_gets_no_new_link(client):
    order = place(client)
    forged = payment_path(order)[:-3] + "xyz/"
    assert Client().get(forged).status_code == 404
    token = forged.rstrip("/").rsplit("/", 1)[-1]
    assert (
        Client().post(reverse("payments:order-resend", kwargs={"token": token})).status_code == 404
    )
    assert not mail.outbox


def test_a_signed_in_buyer_finds_a_fresh_link_on_the_order(client, django_user_model):
    buyer = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(buyer)
    flow.vietnam()
    product = flow.honey()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    flow.place_order(client, method="vietqr")
    order = flow.latest_order()
    assert order.user == buyer
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    (link,) = re.findall(r'class="order-payment-link" href="([^"]+)"', page.content.decode())
    assert payment_selectors.order_for_token(link.rstrip("/").rsplit("/", 1)[-1]) == order


# --------------------------------------------------------------------------- gateway returns


def test_an_unsigned_return_never_mints_a_link_for_a_stranger(client):
    order = place(client)
    attempt = PaymentAttempt.objects.get(order=order)
    url = reverse("payments:return", kwargs={"method": "card"}) + f"?ref={attempt.reference}"
    stranger = Client().get(url)
    assert stranger.status_code == 200
    page = stranger.content.decode()
    assert "/payments/order/" not in page and order.number not in page
    assert "Location" not in stranger
    # the buyer's own browser (it placed the order) is taken to the order's page
    own = client.get(url)
    assert own.status_code == 302
    assert payment_selectors.order_for_token(urlsplit(own["Location"]).path.split("/")[-2])
    # and so is a signed-in owner on another device
    user = factories.operator("mai-owner@example.com")
    order.user = user
    order.save(update_fields=["user"])
    other = Client()
    other.force_login(user)
    assert other.get(url).status_code == 302


def test_an_unknown_reference_is_404():
    url = reverse("payments:return", kwargs={"method": "card"}) + "?ref=NOPE"
    assert Client().get(url).status_code == 404
