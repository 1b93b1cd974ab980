"""Every message in its recipient's language: an order keeps the language it was placed in, an
account the language its person chose (the switcher, registration, sign-in), a producer the one
it sets on its dashboard; each e-mail is written in it and links to pages in it (/en/… for
English, no prefix for Vietnamese)."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from shop import links
from shop.accounts.models import Profile
from shop.fulfilment import tasks as fulfilment_tasks
from shop.settlements.models import Statement
from shop.settlements.tasks import send_statement_email
from tests import factories
from tests.payments import flow
from tests.security.test_site_links import urls_in

pytestmark = pytest.mark.django_db

SITE = "https://chophien.example.vn"
BUYER = "mai@example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    """The site as production runs it (see tests/security/test_site_links.py)."""
    settings.SITE_URL = SITE
    settings.OSCAR_URL_SCHEMA = "https"
    links.sites_sync()


def in_language(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values


def site_links(message) -> list[str]:
    links = [url for url in urls_in(message) if url.startswith(SITE)]
    assert links, message.body
    return links


def to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def place_order(language: str, method: str, capture) -> object:
    honey = flow.honey()
    with capture(execute=True), translation.override(language):
        response = flow.checkout(Client(), products=[(honey, 1)], method=method)
    assert response.status_code == 302
    return flow.latest_order()


SUBJECTS = {
    "cod": "Confirmation of order %(number)s",
    "vietqr": "Order %(number)s received: awaiting payment",
}


@pytest.mark.parametrize("method", ["cod", "vietqr"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_order_is_e_mailed_in_its_language_with_links_to_pages_in_it(
    language, method, django_capture_on_commit_callbacks
):
    order = place_order(language, method, django_capture_on_commit_callbacks)
    assert order.language == language
    (message,) = to(BUYER)
    other = {"en": "vi", "vi": "en"}[language]
    assert message.subject == in_language(language, SUBJECTS[method], number=order.number)
    assert message.subject != in_language(other, SUBJECTS[method], number=order.number)
    links = site_links(message)
    assert all(url.startswith(SITE + "/en/") == (language == "en") for url in links), links
    for url in links:  # each link opens its page, in the order's language
        page = Client().get(urlsplit(url).path, follow=True)
        assert page.status_code == 200 and page["Content-Language"] == language, url


def test_parcel_news_follow_the_order_language_and_the_producer_reads_its_own(
    client, django_capture_on_commit_callbacks
):
    """An English order: the buyer hears of the parcel in English (tracking page under /en/);
    its Vietnamese producer learns of the order in Vietnamese."""
    order = place_order("en", "cod", django_capture_on_commit_callbacks)
    (shipment,) = order.shipments.all()
    partner = shipment.partner
    partner.email = "htx@example.com"
    partner.save()
    mail.outbox.clear()

    fulfilment_tasks.send_tracking_email(shipment_id=shipment.pk, step="delivered")
    fulfilment_tasks.send_shipment_email(event_id=shipment.events.get(status="new").pk)

    (news,) = to(BUYER)
    assert news.subject == in_language(
        "en",
        "Your order %(number)s: the parcel from %(name)s has been delivered",
        number=order.number,
        name=partner.name,
    )
    assert any("/en/shipping/track/" in url for url in site_links(news))
    (new_order,) = to("htx@example.com")
    assert new_order.subject == in_language(
        "vi", "New order %(number)s to ship", number=order.number
    )


def test_a_producer_that_chooses_english_gets_its_e_mails_in_english(
    client, django_capture_on_commit_callbacks
):
    partner = factories.producer()
    client.force_login(factories.producer_user(partner))
    page = reverse("producer-dashboard:messages")
    assert client.get(page).status_code == 200
    refused = {"language": "fr", "notify_channel": "email"}
    assert client.post(page, refused).status_code == 200  # refused, form shown
    partner.refresh_from_db()
    assert partner.language == "vi"
    assert client.post(page, {"language": "en", "notify_channel": "email"}).status_code == 302
    partner.refresh_from_db()
    assert partner.language == "en"

    # A Vietnamese buyer's order: the buyer reads Vietnamese, the producer English.
    product = factories.product("Chè Shan Tuyết", maker=partner)
    with django_capture_on_commit_callbacks(execute=True):
        flow.checkout(Client(), products=[(product, 1)], method="cod")
    order = flow.latest_order()
    producer_address = f"{partner.code}@example.com"  # no address of its own: its user's
    (new_order,) = to(producer_address)
    assert new_order.subject == in_language(
        "en", "New order %(number)s to ship", number=order.number
    )
    (confirmation,) = to(BUYER)
    assert confirmation.subject == in_language(
        "vi", "Confirmation of order %(number)s", number=order.number
    )

    statement = Statement.objects.create(
        partner=partner,
        reference="ST-2026-11-0001",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 15),
        status=Statement.Status.ISSUED,
        gross_sales=Decimal(350000),
        net=Decimal(350000),
        issued_at=timezone.now(),
    )
    mail.outbox.clear()
    send_statement_email(statement_id=statement.pk)
    (message,) = to(producer_address)
    assert message.subject == in_language(
        "en", "Your statement %(reference)s", reference=statement.reference
    )
    assert "Net payable" in message.body


def password_reset_from(path_language: str, user) -> object:
    mail.outbox.clear()
    with translation.override(path_language):
        url = reverse("password-reset")
    assert Client().post(url, {"email": user.email}).status_code == 302
    (message,) = mail.outbox
    return message


def test_a_password_reset_is_e_mailed_in_the_account_language():
    english = factories.operator("lan@example.com")
    Profile.objects.filter(user=english).update(language="en")
    vietnamese = factories.operator("mai@example.com")

    # Asked from a Vietnamese page, for an English account: English, linking under /en/.
    message = password_reset_from("vi", english)
    subject = "Resetting your password at %(site_name)s."
    assert message.subject == in_language("en", subject, site_name="Chợ Phiên")
    (link,) = {url for url in site_links(message) if "/password-reset/confirm/" in url}
    assert link.startswith(SITE + "/en/shop/password-reset/confirm/")
    page = Client().get(urlsplit(link).path, follow=True)
    assert page.status_code == 200 and page["Content-Language"] == "en"

    # Asked from an English page, for a Vietnamese account: Vietnamese.
    message = password_reset_from("en", vietnamese)
    assert message.subject == in_language("vi", subject, site_name="Chợ Phiên")
    assert message.subject != in_language("en", subject, site_name="Chợ Phiên")
    assert not any(url.startswith(SITE + "/en/") for url in site_links(message))


def language_of(user) -> str:
    return Profile.objects.get(user=user).language


def test_switching_language_is_remembered_by_a_signed_in_account(client):
    user = factories.operator("lan@example.com")
    user.is_staff = False
    user.save()
    assert language_of(user) == "vi"  # every account has a profile from the start
    switch = reverse("set_language")

    anonymous = client.post(switch, {"language": "en", "next": "/shop/"})
    assert anonymous.status_code == 302 and anonymous["Location"] == "/en/shop/"

    client.force_login(user)
    response = client.post(switch, {"language": "en", "next": "/shop/basket/"})
    assert response.status_code == 302 and response["Location"] == "/en/shop/basket/"
    assert language_of(user) == "en"
    client.post(switch, {"language": "xx", "next": "/"})  # not a language of the site
    client.get(switch, {"language": "vi"})  # a GET changes nothing
    assert language_of(user) == "en"
    client.post(switch, {"language": "vi", "next": "/en/shop/"})
    assert language_of(user) == "vi"


def test_registering_and_signing_in_remember_the_page_language(client):
    with translation.override("en"):
        register = reverse("customer:register")
    response = client.post(
        register,
        {
            "email": "hoa@example.com",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = Profile.objects.get(user__email="hoa@example.com").user
    assert language_of(user) == "en"

    password = "a-long-passphrase-2026"
    client.logout()
    dashboard = client.post(
        reverse("dashboard:login"), {"username": user.email, "password": password}
    )
    assert dashboard.status_code == 302
    assert language_of(user) == "en"  # the dashboard is in Vietnamese only: nothing learnt

    client.logout()
    login = {"login-username": user.email, "login-password": password, "login_submit": "1"}
    assert client.post(reverse("customer:login"), login).status_code == 302
    assert language_of(user) == "vi"  # signed in on a Vietnamese page


def test_accounts_made_before_profiles_get_one():
    from importlib import import_module

    from django.apps import apps

    user = factories.operator("old@example.com")
    Profile.objects.filter(user=user).delete()
    migration = import_module("shop.accounts.migrations.0002_profiles_for_existing_users")
    migration.profiles_create(apps, None)
    assert language_of(user) == "vi"


def test_an_approved_english_applicant_becomes_an_english_producer(
    django_capture_on_commit_callbacks,
):
    from shop.onboarding import services as onboarding
    from tests.shop.test_notifications import application

    applicant = application(language="en")
    operator = factories.operator()
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.application_approve(application_id=applicant.pk, actor=operator)
    applicant.refresh_from_db()
    assert applicant.partner.language == "en"
    (user,) = applicant.partner.users.all()
    assert language_of(user) == "en"
    (welcome,) = to(applicant.email)
    assert welcome.subject == in_language(
        "en", "Welcome to %(shop)s: set your password", shop="Chợ Phiên"
    )
    assert any("/en/shop/password-reset/confirm/" in url for url in site_links(welcome))
