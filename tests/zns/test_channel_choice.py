"""Who chooses Zalo, and where: the buyer at checkout (kept on the order) and in their
account (their profile: channel and phone), the producer on its pick-up page. Each choice is
what the notification tasks' recipient then says."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model

from shop.accounts.models import Profile
from shop.channels import Channel
from shop.recipients import order_recipient, producer_recipient, user_recipient
from tests import factories
from tests.payments import flow
from tests.security.test_csp import problems
from tests.zns.helpers import place, to_payment_method

pytestmark = pytest.mark.django_db
Partner = get_model("partner", "Partner")


def test_checkout_offers_zalo_at_the_delivery_phone_and_keeps_the_choice(client):
    page = to_payment_method(client).content.decode()
    assert 'name="notify_channel" value="zalo"' in page and "0912 345 678" in page
    order = place(client, method="cod", notify_channel="zalo")
    assert order.notify_channel == Channel.ZALO
    recipient = order_recipient(order)
    assert recipient.channel == Channel.ZALO and recipient.phone == "+84912345678"


def test_checkout_keeps_email_unless_zalo_is_chosen(client):
    to_payment_method(client)
    assert place(client, method="cod").notify_channel == Channel.EMAIL


def test_checkout_refuses_a_channel_it_does_not_offer(client):
    to_payment_method(client)
    answer = client.post(
        reverse("checkout:payment-method"), {"method": "cod", "notify_channel": "sms"}
    )
    assert answer.status_code == 200 and not flow.Order.objects.exists()


def test_a_buyers_account_choice_is_the_default_at_checkout(client):
    user = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")
    Profile.objects.filter(user=user).update(notify_channel=Channel.ZALO, phone="+84912345678")
    client.force_login(user)
    page = to_payment_method(client).content.decode()
    (zalo_radio,) = re.findall(r'<input[^>]*name="notify_channel"[^>]*value="zalo"[^>]*>', page)
    assert "checked" in zalo_radio
    assert place(client, method="cod").notify_channel == Channel.ZALO


def test_a_channel_chosen_at_checkout_does_not_read_the_account_s(client):
    """The account's choice is asked only when the form sends none (a browser sends the one
    checked)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.create_user("lan", "lan@example.com", "pw-123456789")
    client.force_login(user)
    to_payment_method(client)
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            reverse("checkout:payment-method"), {"method": "cod", "notify_channel": "email"}
        )
    assert answer.status_code == 302
    assert not [q for q in queries.captured_queries if "accounts_profile" in q["sql"]]


URL = "account-messages"


def test_the_account_page_needs_a_signed_in_buyer(client):
    answer = client.get(reverse(URL))
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    assert (
        client.post(reverse(URL), {"language": "vi", "notify_channel": "zalo"}).status_code == 302
    )
    assert not Profile.objects.exists()


def test_a_buyer_chooses_zalo_with_their_phone_in_their_account(client):
    user = get_user_model().objects.create_user("lan", "lan@example.com", "pw-123456789")
    client.force_login(user)
    page = client.get(reverse(URL))
    assert page.status_code == 200 and 'value="zalo"' in page.content.decode()
    assert problems("account messages", page) == []
    refused = client.post(reverse(URL), {"notify_channel": "zalo", "phone": ""})
    assert refused.status_code == 200 and "phone" in refused.context["form"].errors
    assert Profile.objects.get(user=user).notify_channel == Channel.EMAIL
    bad = client.post(reverse(URL), {"notify_channel": "pigeon", "phone": "12"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {
        "notify_channel",
        "phone",
    }
    saved = client.post(reverse(URL), {"notify_channel": "zalo", "phone": "0912 345 678"})
    assert saved.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.notify_channel, profile.phone) == (Channel.ZALO, "+84912345678")
    user.refresh_from_db()
    recipient = user_recipient(user)
    assert (recipient.channel, recipient.phone) == (Channel.ZALO, "+84912345678")
    assert "0912 345 678" in client.get(reverse(URL)).content.decode()
    client.post(reverse(URL), {"notify_channel": "email", "phone": ""})
    assert Profile.objects.get(user=user).notify_channel == Channel.EMAIL


def test_the_account_tabs_link_to_the_messages_page(client):
    user = get_user_model().objects.create_user("lan", "lan@example.com", "pw-123456789")
    client.force_login(user)
    assert reverse(URL) in client.get(reverse("customer:profile-view")).content.decode()


def test_a_producer_chooses_zalo_on_its_language_and_messages_page(client):
    partner = factories.producer()
    partner.phone = "+84912401721"
    partner.save()
    client.force_login(factories.producer_user(partner))
    page = client.get(reverse("producer-dashboard:messages")).content.decode()
    assert 'id="messages_form"' in page and 'value="zalo"' in page
    answer = client.post(
        reverse("producer-dashboard:messages"), {"language": "vi", "notify_channel": "zalo"}
    )
    assert answer.status_code == 302
    partner.refresh_from_db()
    assert producer_recipient(partner).channel == Channel.ZALO
    client.post(
        reverse("producer-dashboard:messages"),
        {"language": "vi", "notify_channel": "carrier pigeon"},
    )
    partner.refresh_from_db()
    assert partner.notify_channel == Channel.ZALO


def test_a_producer_without_a_phone_cannot_choose_zalo(client):
    partner = factories.producer()
    client.force_login(factories.producer_user(partner))
    answer = client.post(
        reverse("producer-dashboard:messages"),
        {"language": "vi", "notify_channel": "zalo"},
        follow=True,
    )
    with translation.override("vi"):
        refusal = gettext("Zalo messages need a phone number: save your pick-up phone.")
    assert answer.status_code == 200 and refusal in answer.content.decode()
    partner.refresh_from_db()
    assert partner.notify_channel == Channel.EMAIL


def test_only_producers_reach_the_producer_choice(client):
    partner = factories.producer()
    anonymous = client.post(
        reverse("producer-dashboard:messages"), {"language": "vi", "notify_channel": "zalo"}
    )
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    buyer = get_user_model().objects.create_user("an", "an@example.com", "pw-123456789")
    client.force_login(buyer)
    answer = client.post(
        reverse("producer-dashboard:messages"), {"language": "vi", "notify_channel": "zalo"}
    )
    assert answer.status_code in (302, 403, 404)
    partner.refresh_from_db()
    assert partner.notify_channel == Channel.EMAIL
