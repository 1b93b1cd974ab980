"""Erasure on request: confirmed by password, recorded with its deadline, carried out from the
outbox once nothing holds it back; what accounting needs is kept."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import PaymentAttempt
from shop.complaints import opening
from shop.complaints.models import Reason, Remedy
from shop.privacy import services
from shop.privacy.models import Consent, PrivacyRequest
from tests.complaints.conftest import after
from tests.payments import flow
from tests.privacy.conftest import PASSWORD, deliver

pytestmark = pytest.mark.django_db

UserAddress = get_model("address", "UserAddress")


def ask(client, password=PASSWORD, capture=None):
    return client.post(reverse("privacy:erasure"), {"password": password})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_wrong_password_is_refused_and_nothing_is_recorded(world):
    response = ask(signed_in(world.mai), password="sai-mat-khau")
    assert response.status_code == 400
    assert "Mật khẩu không đúng" in response.content.decode()
    assert not PrivacyRequest.objects.exists()
    world.mai.refresh_from_db()
    assert world.mai.is_active


def test_anonymous_users_are_sent_to_sign_in():
    response = Client().post(reverse("privacy:erasure"), {"password": "x"})
    assert response.status_code == 302 and "login" in response.url


def test_an_order_on_its_way_makes_it_wait_then_it_goes_through(
    world, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_REQUEST_DEADLINE_HOURS = 72
    mai, order = world.mai, world.order
    services.consent_record(purpose="account", method="registration", user=mai)
    UserAddress.objects.create(
        user=mai,
        country=flow.vietnam(),
        first_name="Phạm Thị Mai",
        line1="12 Phố Cổ",
        phone_number="+84912345678",
    )
    total, lines = order.total_incl_tax, order.lines.count()
    payments = list(PaymentAttempt.objects.filter(order=order).values_list("reference", "amount"))
    client = signed_in(mai)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(kind="erasure")
    assert request.deadline_at - request.received_at == timedelta(hours=72)
    assert request.state == "waiting"
    assert request.outcome["waiting"]["orders"] == [order.number]
    page = client.get(reverse("privacy:account")).content.decode()
    assert order.number in page  # the reason is stated
    mai.refresh_from_db()
    assert mai.is_active and mai.email == "mai@example.com"

    # Asking again while it waits: a clear refusal, one request.
    again = ask(client)
    assert again.status_code == 400
    assert PrivacyRequest.objects.filter(kind="erasure").count() == 1

    deliver(world.tea)
    assert services.erasures_retry() == 1
    request.refresh_from_db()
    assert request.state == "done" and request.handled_at is not None
    assert request.subject == f"Tài khoản #{mai.pk} (đã xoá)"

    mai.refresh_from_db()
    assert not mai.is_active and not mai.has_usable_password()
    assert "mai" not in mai.email and mai.get_full_name() == ""
    assert not UserAddress.objects.filter(user=mai).exists()
    order.refresh_from_db()
    assert order.shipping_address.first_name == "—"
    assert order.shipping_address.line1 == "—"
    assert not order.shipping_address.phone_number
    # Kept for the accounting law: the number, the amounts, the lines, the payments.
    assert order.user == mai and order.total_incl_tax == total
    assert order.lines.count() == lines
    kept = PaymentAttempt.objects.filter(order=order).values_list("reference", "amount")
    assert list(kept) == payments
    assert not Consent.objects.filter(user=mai, withdrawn_at=None).exists()
    assert not Client().login(username="mai@example.com", password=PASSWORD)


def test_an_open_complaint_makes_it_wait(world, django_capture_on_commit_callbacks):
    deliver(world.tea)
    complaint = opening.complaint_open(
        line=world.honey_line,
        user=world.mai,
        reason=Reason.DAMAGED,
        description="Hũ mật ong bị vỡ nắp, gọi tôi ở 0912 345 678.",
        wish=Remedy.REFUND,
        quantity=1,
        photos=[],
        now=after(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        ask(signed_in(world.mai))
    request = PrivacyRequest.objects.get(kind="erasure")
    assert request.state == "waiting"
    assert request.outcome["waiting"] == {"complaints": [complaint.reference]}
    assert any(complaint.reference in reason for reason in request.waiting_reasons())

    type(complaint).objects.filter(pk=complaint.pk).update(state="resolved")
    services.erasure_carry_out(request_id=request.pk)
    complaint.refresh_from_db()
    assert complaint.description == "—"
    assert "0912" not in "".join(complaint.steps.values_list("text", flat=True))


def test_nothing_in_progress_erases_at_once_and_signs_out(
    world, django_capture_on_commit_callbacks
):
    deliver(world.tea)
    client = signed_in(world.mai)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 302
    assert PrivacyRequest.objects.get(kind="erasure").state == "done"
    # The account is closed: its session no longer signs anyone in.
    after_erasure = client.get(reverse("privacy:account"))
    assert after_erasure.status_code == 302 and "login" in after_erasure.url


def test_carrying_out_twice_changes_nothing(world):
    deliver(world.tea)
    request = services.erasure_request(user=world.mai, password=PASSWORD)
    first = services.erasure_carry_out(request_id=request.pk)
    handled_at = first.handled_at
    again = services.erasure_carry_out(request_id=request.pk)
    assert again.handled_at == handled_at and again.state == "done"


def test_producers_and_operators_cannot_erase_themselves_here(world):
    for user in (world.honey_user, world.operator):
        user.set_password(PASSWORD)
        user.save()
        response = ask(signed_in(user))
        assert response.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_the_deadline_follows_the_setting(world, settings):
    settings.PRIVACY_REQUEST_DEADLINE_HOURS = 24
    request = services.erasure_request(user=world.mai, password=PASSWORD)
    assert request.deadline_at - request.received_at == timedelta(hours=24)
    assert request.deadline_at > timezone.now()


def test_an_erased_account_s_requests_name_it_by_number_only(world):
    deliver(world.tea)
    services.access_record(user=world.mai, kind_of_file="json")
    request = services.erasure_request(user=world.mai, password=PASSWORD)
    services.erasure_carry_out(request_id=request.pk)
    subjects = set(PrivacyRequest.objects.values_list("subject", flat=True))
    assert subjects == {f"Tài khoản #{world.mai.pk} (đã xoá)"}
    assert get_user_model().objects.filter(email="mai@example.com").count() == 0


def test_an_empty_password_or_a_get_changes_nothing(world):
    client = signed_in(world.mai)
    empty = client.post(reverse("privacy:erasure"), {})
    assert empty.status_code == 400
    assert client.get(reverse("privacy:erasure")).status_code == 405
    assert not PrivacyRequest.objects.exists()


def test_only_a_waiting_erasure_can_be_carried_out_by_an_operator(world):
    from django.core.exceptions import ValidationError

    download = services.access_record(user=world.mai, kind_of_file="json")
    with pytest.raises(ValidationError):
        services.erasure_retry(request=download, operator=world.operator)
    request = services.erasure_request(user=world.mai, password=PASSWORD)
    with pytest.raises(ValidationError):
        services.erasure_retry(request=request, operator=world.honey_user)
