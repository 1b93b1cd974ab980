"""The one e-mail path (`shop.notifications`): queued in the outbox with the change, rendered
by a worker in the recipient's language, text and HTML, sent once, retried when the mail
server is down; names people write are escaped in the HTML."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from oscar.core.loading import get_model

from payments.tasks import send_order_email
from shop.notifications import email_send, notify
from shop.onboarding import services as onboarding
from shop.onboarding import tasks as onboarding_tasks
from shop.onboarding.models import Application
from shop.outbox import services as outbox
from shop.outbox.models import OutboxMessage
from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


APPLICANT = {
    "kind": "cooperative",
    "name": "HTX Mật ong bạc hà Đồng Văn",
    "representative": "Lò Thị Mỷ",
    "phone": "0912345678",
    "email": "htx.dongvan@example.com",
    "province_code": 8,
    "ward_code": factories.DONG_VAN,
    "registration_number": "HTX-0123",
    "payout_bank_bin": "970405",
    "payout_account_number": "1234567890123",
    "payout_account_holder": "Lò Thị Mỷ",
    "products": "Mật ong",
}


def application(**fields) -> Application:
    return Application.objects.create(**{**APPLICANT, **fields})


def html_of(message) -> str:
    (html,) = [body for body, kind in message.alternatives if kind == "text/html"]
    return html


@pytest.mark.parametrize(
    ("language", "subject", "link"),
    [
        ("vi", "Chúng tôi đã nhận được hồ sơ của HTX Mật ong bạc hà Đồng Văn", "/shop/sell/"),
        ("en", "We have received the application of HTX Mật ong bạc hà Đồng Văn", "/en/shop/sell/"),
    ],
)
def test_the_email_is_in_the_recipients_language_whatever_is_active(
    language, subject, link, django_capture_on_commit_callbacks
):
    other = "en" if language == "vi" else "vi"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.application_submit(
            data={f: APPLICANT[f] for f in onboarding.APPLICANT_FIELDS},
            language=language,
        )
    (message,) = mail.outbox
    assert message.subject == subject
    assert f"{settings.SITE_URL}{link}status/" in message.body
    # queued while another language is active (the operator's, the worker's): still theirs
    with django_capture_on_commit_callbacks(execute=True), translation.override(other):
        onboarding.application_status_links_send(email="htx.dongvan@example.com")
    (_, again) = mail.outbox
    assert again.subject != subject and f"{settings.SITE_URL}{link}status/" in again.body


def test_every_email_has_a_text_body_and_an_html_alternative():
    sent = email_send(
        template="onboarding/link",
        to=["a@example.com", "", "b@example.com"],
        language="vi",
        context={
            "application": SimpleNamespace(name="HTX", representative="Mỷ"),
            "status_url": "https://chophien.example.vn/shop/sell/status/abc/",
        },
    )
    (message,) = mail.outbox
    assert sent.to == message.to == ["a@example.com", "b@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "<" not in message.body and "Xin chào Mỷ," in message.body
    html = html_of(message)
    assert html.lstrip().startswith("<!DOCTYPE html")
    assert '<a href="https://chophien.example.vn/shop/sell/status/abc/"' in html  # links clickable
    assert "\n" not in message.subject


def test_nobody_to_write_to_sends_nothing():
    assert email_send(template="onboarding/link", to=["", None], language="vi") is None
    assert mail.outbox == []


def test_untrusted_names_are_escaped_in_the_html_and_kept_as_written_in_the_text():
    shipment = SimpleNamespace(partner=SimpleNamespace(name=HOSTILE), pk=1)
    email_send(
        template="fulfilment/new_order",
        to=["htx@example.com"],
        language="vi",
        context={
            "shipment": shipment,
            "order": SimpleNamespace(number="100042"),
            "lines": [SimpleNamespace(title=HOSTILE, quantity=2)],
            "shipment_url": "https://chophien.example.vn/dashboard/producer/orders/1/",
        },
    )
    (message,) = mail.outbox
    assert HOSTILE in message.body  # plain text: nothing to escape
    html = html_of(message)
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html


def test_a_product_title_is_escaped_in_the_order_emails_html(
    client, django_capture_on_commit_callbacks
):
    product = factories.product(f"Mật ong {HOSTILE}")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flow.checkout(client, products=[(product, 1)], method="cod")
    (message,) = [m for m in mail.outbox if "mai@example.com" in m.to]
    html = html_of(message)
    assert html.count("order-shipment") == 1
    assert "<script" not in html and "<img" not in html
    assert "Mật ong &lt;script&gt;" in html


def test_queued_with_the_change_and_sent_once(django_capture_on_commit_callbacks):
    applicant = application()
    key = f"application-email:{applicant.pk}:received"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            notify(
                onboarding_tasks.send_application_email,
                application_id=applicant.pk,
                kind="received",
                key=key,
            )
        assert mail.outbox == []  # nothing leaves before the change commits
        (row,) = OutboxMessage.objects.filter(key=key)
        assert row.task == "onboarding.send_application_email"
        assert row.kwargs == {"application_id": applicant.pk, "kind": "received"}  # ids only
    assert [m.to for m in mail.outbox] == [["htx.dongvan@example.com"]]
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 1
    assert outbox.outbox_deliver(message_id=row.pk) is False  # handed over again
    outbox.outbox_drain(inline=True)
    assert len(mail.outbox) == 1


def test_a_refused_email_is_retried_by_the_outbox_and_then_sent_once(
    settings, django_capture_on_commit_callbacks
):
    applicant = application()
    settings.EMAIL_BACKEND = "tests.resilience.mailboxes.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(onboarding_tasks.send_application_email, application_id=applicant.pk, kind="link")
    row = OutboxMessage.objects.get(task="onboarding.send_application_email")
    assert row.done_at is None and row.attempts == 1 and row.next_attempt_at is not None
    assert "ConnectionRefusedError" in row.last_error
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_deliver(message_id=row.pk) is True
    assert outbox.outbox_deliver(message_id=row.pk) is False
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 2 and row.last_error == ""
    assert [m.to for m in mail.outbox] == [["htx.dongvan@example.com"]]


def test_an_accounts_order_email_goes_to_its_address_and_into_its_history():
    buyer = factories.operator("lan@example.com")
    order = flow.Order.objects.create(
        number="900077", total_incl_tax=0, total_excl_tax=0, user=buyer
    )
    send_order_email(order_id=order.pk, code="PAYMENT_LINK")
    (message,) = mail.outbox
    assert message.to == ["lan@example.com"] and "900077" in message.subject
    (kept,) = get_model("communication", "Email").objects.filter(user=buyer)
    assert kept.subject == message.subject and kept.body_text == message.body
    assert "/payments/order/" in kept.body_html


def test_an_order_email_an_operator_edited_in_the_dashboard_uses_their_text():
    """Oscar's dashboard lets operators rewrite an order e-mail; what they wrote wins over the
    template files, part by part."""
    get_model("communication", "CommunicationEventType").objects.create(
        code="PAYMENT_LINK",
        name="Payment link",
        email_subject_template="Pay order {{ order.number }} at {{ shop_name }}",
    )
    order = flow.Order.objects.create(
        number="900078", total_incl_tax=0, total_excl_tax=0, guest_email="lan@example.com"
    )
    send_order_email(order_id=order.pk, code="PAYMENT_LINK")
    send_order_email(order_id=order.pk, code="PAYMENT_RECEIVED")
    edited, untouched = mail.outbox
    assert edited.subject == f"Pay order 900078 at {settings.OSCAR_SHOP_NAME}"
    assert "/payments/order/" in edited.body  # the body still comes from its file
    assert untouched.subject != edited.subject and "900078" in untouched.subject


def test_order_emails_are_signed_by_the_floor():
    order = flow.Order.objects.create(
        number="900079", total_incl_tax=0, total_excl_tax=0, guest_email="lan@example.com"
    )
    send_order_email(order_id=order.pk, code="PAYMENT_RECEIVED")
    (message,) = mail.outbox
    assert f"Đội ngũ {settings.OSCAR_SHOP_NAME}" in html_of(message)


SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|send_messages|Dispatcher)\b"
)


def test_no_code_sends_mail_but_the_notifications_helper():
    found = []
    for folder in ("shop", "payments", "traceability", "cms"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "shop" / "notifications.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if SENDING.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
