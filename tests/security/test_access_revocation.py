"""Access ends when it is taken away (the reproduced case: a producer whose dashboard access
was removed still reached /trace/lots/, printed labels and appended a permanent public event).

Each way of taking access away (permission withdrawn, user removed from the producer's users,
producer suspended by an operator from the dashboard) refuses the lot list, the label sheet
and appending an event, in the pages and in the service, at once; reinstating gives them back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests import factories
from traceability import services as trace
from traceability.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer_with_lot():
    maker = factories.producer("HTX Mật ong Sủng Là", code="sung-la")
    product = factories.product("Mật ong bạc hà Sủng Là", maker=maker)
    user = factories.producer_user(maker, email="sungla@example.vn")
    lot = trace.lot_create(
        product=product,
        code="SL-2025-01",
        production_date=date(2025, 11, 20),
        quantity=Decimal("40"),
        unit="KGM",
        actor=user,
    )
    client = Client()
    client.force_login(user)
    return maker, user, lot, client


def _reach(client: Client, lot) -> dict[str, int]:
    events = Event.objects.filter(lot=lot).count()
    answers = {
        "list": client.get("/trace/lots/").status_code,
        "labels": client.get(reverse("traceability:lot-labels", kwargs={"pk": lot.pk})).status_code,
        "event": client.post(
            reverse("traceability:lot-manage", kwargs={"pk": lot.pk}),
            {"biz_step": "packing", "details": "Đóng chai"},
        ).status_code,
    }
    answers["events added"] = Event.objects.filter(lot=lot).count() - events
    return answers


def _suspend_from_the_dashboard(maker, user):
    operator = Client()
    operator.force_login(factories.operator())
    response = operator.post(
        reverse("producer-access:change", kwargs={"pk": maker.pk}),
        {"action": "suspend", "reason": "Giấy chứng nhận hết hạn"},
    )
    assert response.status_code == 302
    maker.refresh_from_db()
    assert maker.suspended_at is not None and maker.suspended_by.email == "operator@example.com"
    assert maker.suspension_reason == "Giấy chứng nhận hết hạn"
    return operator


def _deactivate_from_the_dashboard(maker, user):
    """As an operator does it (Oscar's users list). The account's cached copy goes with the
    save (shop.accounts.backends); a write around the ORM, such as a bulk UPDATE, would be seen
    only as the copy expires (USER_CACHE_SECONDS)."""
    staff = factories.operator()
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__in=["view_user"])
    )
    operator = Client()
    operator.force_login(staff)
    response = operator.post(
        reverse("dashboard:users-index"), {"action": "make_inactive", "selected_user": [user.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active


WAYS = {
    "permission withdrawn": lambda maker, user: user.user_permissions.remove(
        Permission.objects.get(codename="dashboard_access")
    ),
    "removed from the producer's users": lambda maker, user: maker.users.remove(user),
    "producer suspended": _suspend_from_the_dashboard,
    "user deactivated": _deactivate_from_the_dashboard,
}


@pytest.mark.parametrize("way", list(WAYS))
def test_a_producer_loses_lots_labels_and_events_at_once(producer_with_lot, way):
    maker, user, lot, client = producer_with_lot
    assert _reach(client, lot) == {"list": 200, "labels": 200, "event": 302, "events added": 1}

    WAYS[way](maker, user)
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    answers = _reach(client, lot)
    assert answers["events added"] == 0
    assert {answers["list"], answers["labels"], answers["event"]} <= {302, 403, 404}, answers
    assert client.get("/dashboard/producer/").status_code in (302, 403)
    with pytest.raises(ValidationError):
        trace.event_record(lot=lot, biz_step="shipping", actor=user, details="Gửi hàng")
    assert Event.objects.filter(lot=lot).count() == 2


def test_reinstating_a_suspended_producer_gives_its_pages_back(producer_with_lot):
    maker, user, lot, client = producer_with_lot
    operator = _suspend_from_the_dashboard(maker, user)
    assert client.get("/trace/lots/").status_code == 403
    page = operator.get(reverse("producer-access:list")).content.decode()
    assert "Giấy chứng nhận hết hạn" in page
    operator.post(
        reverse("producer-access:change", kwargs={"pk": maker.pk}), {"action": "reinstate"}
    )
    maker.refresh_from_db()
    assert maker.suspended_at is None and maker.reinstated_by.email == "operator@example.com"
    assert client.get("/trace/lots/").status_code == 200


def test_a_suspension_needs_a_reason_and_an_operator(producer_with_lot):
    maker, user, lot, client = producer_with_lot
    url = reverse("producer-access:change", kwargs={"pk": maker.pk})
    assert client.post(url, {"action": "suspend", "reason": "tự khoá"}).status_code == 403
    operator = Client()
    operator.force_login(factories.operator())
    operator.post(url, {"action": "suspend", "reason": "  "})
    maker.refresh_from_db()
    assert maker.suspended_at is None
