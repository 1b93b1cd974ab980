"""Steps shared by the settlement tests: a real checkout, real payments, delivered shipments."""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from oscar.core.loading import get_model

from payments import services as payments
from payments.models import Refund
from shop.fulfilment.models import Shipment
from tests import factories
from tests.payments import flow

Order = get_model("order", "Order")

ACCOUNT = {"payout_bank_bin": "970436", "payout_account_number": "0071000123456"}


def operator(username="operator"):
    return get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw-123456789", is_staff=True
    )


def producer_user(partner, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-1234567")
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    partner.users.add(user)
    return user


def producer(name, *, rate=None, account=True):
    partner = factories.producer(name=name)
    partner.commission_rate = rate
    if account:
        partner.payout_bank_bin = ACCOUNT["payout_bank_bin"]
        partner.payout_account_number = ACCOUNT["payout_account_number"]
        partner.payout_account_holder = "NGUYEN VAN A"
    partner.save()
    return partner


def product(maker, *, price, title=None):
    return factories.product(title or f"Đặc sản của {maker.name}", price=price, maker=maker)


def order(items, *, method="cod"):
    """A buyer checks out `items` (pairs of product, quantity) through the real views."""
    response = flow.checkout(Client(), products=items, method=method)
    assert response.status_code == 302, response
    return flow.latest_order()


def pay(placed, actor):
    """Cash collected on delivery: payments marks the order paid."""
    payments.cash_collected(order=placed, actor=actor)
    placed.refresh_from_db()
    assert placed.status == "Paid"
    return placed


def deliver(placed, partner, at: datetime, *, charge: Decimal = Decimal(0)) -> Shipment:
    """Stand-in for fulfilment's own service: the shipment row, set delivered at `at`, with the
    shipping charge the test wants (checkout's own charge depends on the shipping rates)."""
    defaults = {"status": Shipment.Status.DELIVERED, "delivered_at": at, "charge": charge}
    shipment, _ = Shipment.objects.update_or_create(
        order=placed, partner=partner, defaults=defaults
    )
    return shipment


def refund(placed, partner, amount, *, actor, at: datetime, reason="Hàng bị vỡ"):
    """An operator refunds `partner`'s goods through payments; dated `at` (tests fix the clock)."""
    made = payments.payment_refund(
        attempt=placed.payment_attempts.get(),
        amount=Decimal(amount),
        reason=reason,
        actor=actor,
        partner=partner,
    )
    Refund.objects.filter(pk=made.pk).update(created_at=at)
    made.refresh_from_db()
    return made
