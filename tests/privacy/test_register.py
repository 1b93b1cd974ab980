"""The operators' register of requests at /dashboard/privacy/."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.privacy import services
from shop.privacy.models import PrivacyRequest
from tests.privacy.conftest import PASSWORD, deliver

pytestmark = pytest.mark.django_db

URL = "/dashboard/privacy/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_operators_see_every_request_with_overdue_ones_marked(world, lan):
    waiting = services.erasure_request(user=world.mai, password=PASSWORD)
    services.erasure_carry_out(request_id=waiting.pk)  # the tea is on its way: it waits
    PrivacyRequest.objects.filter(pk=waiting.pk).update(
        received_at=timezone.now() - timedelta(hours=80),
        deadline_at=timezone.now() - timedelta(hours=8),
    )
    services.access_record(user=lan, kind_of_file="pdf")
    client = signed_in(world.operator)
    page = client.get(URL).content.decode()
    assert "mai@example.com" in page and "lan@example.com" in page
    assert 'class="table-danger"' in page
    assert world.order.number in page  # why it waits

    overdue = client.get(URL, {"overdue": "on"}).content.decode()
    assert "mai@example.com" in overdue and "lan@example.com" not in overdue
    only_access = client.get(URL, {"kind": "access"}).content.decode()
    assert "lan@example.com" in only_access and "mai@example.com" not in only_access
    bad = client.get(URL, {"kind": "nonsense", "state": "<b>"})
    assert bad.status_code == 200  # a bad filter shows everything, no error page


def test_an_operator_carries_out_a_waiting_erasure(world, django_capture_on_commit_callbacks):

    request = services.erasure_request(user=world.mai, password=PASSWORD)
    services.erasure_carry_out(request_id=request.pk)
    deliver(world.tea)
    client = signed_in(world.operator)
    url = reverse("privacy-dashboard:carry-out", args=[request.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the outbox runs on commit
        response = client.post(url)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.handled_by) == ("done", world.operator)
    # Done: carrying it out again is refused with a message, nothing changes.
    client.post(url)
    request.refresh_from_db()
    assert request.handled_by == world.operator


@pytest.mark.parametrize("who", ["mai", "honey_user"])
def test_buyers_and_producers_are_refused(world, who):
    request = services.erasure_request(user=world.mai, password=PASSWORD)
    client = signed_in(getattr(world, who))
    assert client.get(URL).status_code == 403
    url = reverse("privacy-dashboard:carry-out", args=[request.pk])
    assert client.post(url).status_code == 403


def test_anonymous_users_go_to_the_login_page():
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response.url
