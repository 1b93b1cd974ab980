"""A real cash-on-delivery order of two producers' goods (honey 350 000 × 1, tea 200 000 × 2)
placed through the checkout by Mai, its honey delivered, its tea shipped; the honey maker's
user, another producer's user, an operator and an inspector."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from shop.fulfilment.models import Shipment
from shop.roles import INSPECTORS_GROUP
from tests import factories
from tests.fulfilment.cod_helpers import advance, buyer, cod_order, owned_by

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DELIVERED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=HCM)


@pytest.fixture(autouse=True)
def _english(request):
    """The conversation's messages are asserted in English (the Vietnamese ones are checked by
    the translation test). The remedies' tests run in the site's language: their producers'
    names must exist in Vietnamese, as carriers are given them."""
    from django.utils import translation

    if request.module.__name__.rpartition(".")[2].startswith("test_remedies"):
        yield
        return
    with translation.override("en"):
        yield


@dataclass
class World:
    order: object
    honey: Shipment  # delivered at DELIVERED_AT
    tea: Shipment  # shipped, expected on 2026-11-22
    honey_line: object
    tea_line: object
    mai: object
    honey_maker: object
    tea_maker: object
    honey_user: object
    tea_user: object
    operator: object
    inspector: object

    def client_for(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def world(client):
    order, honey, tea = cod_order(client)
    mai = buyer("mai")
    owned_by(order, mai)
    honey = advance(honey, Shipment.Status.DELIVERED, at=DELIVERED_AT)
    tea = advance(tea, Shipment.Status.SHIPPED, code="GHNTEA01")
    Shipment.objects.filter(pk=tea.pk).update(expected_delivery=datetime(2026, 11, 22).date())
    tea.refresh_from_db()
    honey_maker, tea_maker = honey.partner, tea.partner
    honey_maker.email = "mat-ong@example.com"
    honey_maker.save(update_fields=["email"])
    inspector = get_user_model().objects.create_user("thanh-tra", "thanh-tra@example.com", "pw-1")
    group, _ = Group.objects.get_or_create(name=INSPECTORS_GROUP)
    inspector.groups.add(group)
    return World(
        order=order,
        honey=honey,
        tea=tea,
        honey_line=order.lines.get(partner=honey_maker),
        tea_line=order.lines.get(partner=tea_maker),
        mai=mai,
        honey_maker=honey_maker,
        tea_maker=tea_maker,
        honey_user=factories.producer_user(honey_maker, email="honey-user@example.com"),
        tea_user=factories.producer_user(tea_maker, email="tea-user@example.com"),
        operator=factories.operator(),
        inspector=inspector,
    )


def after(hours: float = 0, days: float = 0) -> datetime:
    return DELIVERED_AT + timedelta(hours=hours, days=days)
