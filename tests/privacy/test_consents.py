"""Consents recorded where they are given, shown in the account, withdrawn with effect."""

from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.privacy import texts
from shop.privacy.models import Consent, PrivacyRequest
from tests import factories
from tests.onboarding.conftest import apply, pdf, valid_data
from tests.payments import flow

pytestmark = pytest.mark.django_db

Follow = get_model("partner", "Follow")


def register(client, email="hoa@example.com", **extra):
    return client.post(
        reverse("customer:register"),
        {"email": email, "password1": "Mk-dai-du-12", "password2": "Mk-dai-du-12", **extra},
    )


def test_the_text_s_hash_changes_with_its_words():
    text = texts.current("account")
    assert len(text.digest) == 64
    assert replace(text, vi=text.vi + ".").digest != text.digest
    assert replace(text, en=text.en + ".").digest != text.digest


def test_registering_records_the_account_consent_and_news_only_when_ticked(client):
    page = client.get(reverse("customer:register"))
    assert texts.current("account").vi in page.content.decode()
    assert register(client).status_code == 302
    hoa = get_user_model().objects.get(email="hoa@example.com")
    consent = Consent.objects.get(user=hoa)
    assert (consent.purpose, consent.method) == ("account", "registration")
    assert consent.version == texts.current("account").version
    assert consent.text_hash == texts.current("account").digest

    register(Client(), email="binh@example.com", consent_news="on")
    binh = get_user_model().objects.get(email="binh@example.com")
    assert set(Consent.objects.filter(user=binh).values_list("purpose", flat=True)) == {
        "account",
        "news",
    }


@pytest.mark.parametrize("method", ["cod", "vietqr"])
def test_a_guest_s_checkout_records_the_order_consent_with_their_email(client, method):
    flow.checkout(client, products=[(flow.honey(), 1)], method=method, email="khach@example.com")
    order = flow.latest_order()
    consent = Consent.objects.get(purpose="order")
    assert consent.user is None
    assert consent.email == "khach@example.com"
    assert (consent.method, consent.reference) == ("checkout", order.number)


def test_a_signed_in_buyer_s_checkout_records_it_on_their_account(client):
    mai = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456")
    client.force_login(mai)
    page_text = texts.current("order").vi
    flow.vietnam()
    client.post(reverse("basket:add", kwargs={"pk": flow.honey().pk}), {"quantity": 1})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    assert page_text in client.get(reverse("checkout:payment-method")).content.decode()
    flow.place_order(client, method="cod")
    consent = Consent.objects.get(purpose="order")
    assert (consent.user, consent.email) == (mai, "")
    assert consent.reference == flow.latest_order().number


def test_a_producer_s_application_records_its_consent(client):
    response = apply(client, valid_data(), documents=[pdf()])
    assert response.status_code == 302
    consent = Consent.objects.get(purpose="producer")
    assert consent.email == "htx.dongvan@example.com"
    assert consent.method == "application"


def _news_consent(user):
    from shop.privacy import services

    return services.consent_record(purpose="news", method="registration", user=user)


def test_withdrawing_news_ends_the_follows_and_is_recorded(client):
    mai = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456")
    consent = _news_consent(mai)
    Follow.objects.create(user=mai, partner=factories.producer())
    client.force_login(mai)
    page = client.get(reverse("privacy:account")).content.decode()
    assert reverse("privacy:consent-withdraw", args=[consent.pk]) in page

    response = client.post(reverse("privacy:consent-withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not Follow.objects.filter(user=mai).exists()
    request = PrivacyRequest.objects.get(user=mai)
    assert (request.kind, request.state, consent.withdrawal) == ("withdrawal", "done", request)
    assert request.outcome["follows_ended"] == 1

    # Twice: a clear message, nothing more recorded.
    again = client.post(reverse("privacy:consent-withdraw", args=[consent.pk]), follow=True)
    assert "already withdrawn" in again.content.decode() or "đã được rút" in again.content.decode()
    assert PrivacyRequest.objects.filter(user=mai).count() == 1


def test_the_account_consent_is_not_withdrawn_but_ended_by_erasure(client):
    from shop.privacy import services

    mai = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456")
    consent = services.consent_record(purpose="account", method="registration", user=mai)
    client.force_login(mai)
    client.post(reverse("privacy:consent-withdraw", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not PrivacyRequest.objects.exists()


def test_someone_else_s_consent_cannot_be_withdrawn(client):
    mai = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456")
    lan = get_user_model().objects.create_user("lan", "lan@example.com", "pw-123456")
    consent = _news_consent(mai)
    client.force_login(lan)
    assert client.post(reverse("privacy:consent-withdraw", args=[consent.pk])).status_code == 404
    assert client.post(reverse("privacy:consent-withdraw", args=[999999])).status_code == 404
    assert client.get(reverse("privacy:consent-withdraw", args=[consent.pk])).status_code == 405
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    withdraw_url = reverse("privacy:consent-withdraw", args=[consent.pk])
    assert withdraw_url not in client.get(reverse("privacy:account")).content.decode()


def test_the_consent_s_link_leads_to_the_privacy_page_once_published(client):
    page = client.get(reverse("customer:register")).content.decode()
    link = reverse("legal-page", kwargs={"key": "privacy"})
    assert link in page
    assert client.get(link).status_code == 404  # not published yet: no page to show
    assert client.get(reverse("legal-page", kwargs={"key": "nonsense"})).status_code == 404
