"""The benchmark floor (bench/seed_floor.py) is coherent: a tiny one is seeded into the test
database and read back through the ORM, and the pages show its orders."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from bench.floor import WITHHOLDING_FROM
from bench.seed_floor import seed
from payments.models import AttemptStatus, PaymentAttempt, Refund
from shop import geo
from shop.complaints.models import Complaint
from shop.fulfilment.models import Shipment
from shop.order import statuses
from shop.partner.models import Partner, ProducerKind
from shop.settlements.models import Entry, EntryKind, Statement
from traceability.models import AnchorBatch, BizStep, Event, Lot, LotShipment

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")
LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 6, 15, 30, tzinfo=LOCAL)  # the floor spans Nov and Dec 2026

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    counts = seed(months=2, per_month=200, producers=12, seed=3, now=NOW)
    with connection.cursor() as cursor:  # Django's foreign keys are deferred: check them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return counts


def half_up(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), ROUND_HALF_UP)


def test_the_counts_are_the_rows_written(floor):
    assert floor["order_order"] == Order.objects.count() == 400
    assert floor["order_line"] == Line.objects.count() >= 400
    assert floor["fulfilment_shipment"] == Shipment.objects.count() >= 400
    assert floor["partner_partner"] == Partner.objects.count() == 12
    assert floor["settlements_entry"] == Entry.objects.count() > 0
    assert floor["settlements_statement"] == Statement.objects.count() > 0
    assert floor["payments_paymentattempt"] == PaymentAttempt.objects.count() >= 400
    assert floor["traceability_lotshipment"] == LotShipment.objects.count() > 0
    assert floor["reviews_productreview"] == ProductReview.objects.count() > 0
    # Every order has its parcels and lines, every line its producer's parcel.
    assert not Order.objects.annotate(n=Count("shipments")).filter(n=0).exists()
    assert not Order.objects.annotate(n=Count("lines")).filter(n=0).exists()
    for line in Line.objects.select_related("product")[:200]:
        assert Shipment.objects.filter(order_id=line.order_id, partner_id=line.partner_id).exists()
        assert line.product.producer_id == line.partner_id


def test_dates_fall_in_the_months_ending_now(floor):
    first = datetime(2026, 11, 1, tzinfo=LOCAL)
    placed = Order.objects.values_list("date_placed", flat=True)
    assert all(first <= when <= NOW for when in placed)
    assert all(timezone.is_aware(when) for when in placed)
    assert Order.objects.filter(date_placed__lt=datetime(2026, 12, 1, tzinfo=LOCAL)).count() == 200
    assert not Shipment.objects.filter(delivered_at__gt=NOW).exists()
    assert not Shipment.objects.filter(shipped_at__lt=F("order__date_placed")).exists()
    assert not Shipment.objects.filter(delivered_at__lt=F("shipped_at")).exists()
    assert not Entry.objects.filter(Q(earned_at__gt=NOW) | Q(recorded_at__gt=NOW)).exists()


def test_statuses_are_coherent(floor):
    # Parcels move only for orders paid online or confirmed for cash on delivery.
    moving = Shipment.objects.exclude(
        status__in=(Shipment.Status.PENDING, Shipment.Status.CANCELLED)
    )
    assert not moving.exclude(order__status__in=(statuses.PAID, statuses.CASH_ON_DELIVERY)).exists()
    delivered = Shipment.objects.filter(status=Shipment.Status.DELIVERED)
    assert delivered.exists()
    assert not delivered.filter(delivered_at=None).exists()
    cancelled = Order.objects.filter(status=statuses.CANCELLED)
    assert cancelled.exists()
    assert not Shipment.objects.filter(order__in=cancelled).exclude(status="cancelled").exists()
    assert not PaymentAttempt.objects.filter(order__in=cancelled, status="paid").exists()
    # Every paid order has its paid attempt; cash on delivery is paid once collected.
    paid = Order.objects.filter(status=statuses.PAID)
    assert paid.count() == PaymentAttempt.objects.filter(status=AttemptStatus.PAID).count()
    assert not paid.exclude(payment_attempts__status=AttemptStatus.PAID).exists()
    cod = Shipment.objects.exclude(cod="")
    assert cod.exists()
    assert not cod.filter(status="delivered").exclude(cod="collected").exists()
    assert not cod.filter(cod="collected").exclude(cod_collected=F("cod_due")).exists()
    # A line says what its parcel does.
    for line in Line.objects.all()[:300]:
        parcel = Shipment.objects.get(order_id=line.order_id, partner_id=line.partner_id)
        assert statuses.label(line.status) == str(parcel.Status(parcel.status).label) or (
            parcel.status == "pending" and line.status == "Pending"
        )
    # Money: totals add up, refunds stay within what was paid.
    for order in Order.objects.all()[:100]:
        goods = order.lines.aggregate(s=Sum("line_price_incl_tax"))["s"]
        charges = order.shipments.aggregate(s=Sum("charge"))["s"]
        assert order.total_incl_tax == goods + charges
        assert order.shipping_incl_tax == charges
    assert Refund.objects.exists()
    assert not PaymentAttempt.objects.filter(refunded__gt=F("amount")).exists()
    assert not Refund.objects.exclude(attempt__status=AttemptStatus.PAID).exists()


def test_the_ledger_withholds_from_households_and_adds_up(floor):
    sales = Entry.objects.filter(kind=EntryKind.SALE).select_related("partner")
    assert sales.exists()
    # Only delivered lines whose money is in earn a sale.
    assert not sales.exclude(
        line__order__shipments__status="delivered",
        line__order__shipments__partner=F("partner"),
    ).exists()
    for entry in sales:
        assert entry.net == entry.gross - entry.commission - entry.vat_withheld - entry.pit_withheld
        assert entry.commission == half_up(entry.gross * entry.rate)
        withheld = entry.partner.kind == ProducerKind.HOUSEHOLD and (
            entry.earned_at >= WITHHOLDING_FROM
        )
        expected_vat = half_up(entry.gross * Decimal("0.01")) if withheld else 0
        expected_pit = half_up(entry.gross * Decimal("0.005")) if withheld else 0
        assert (entry.vat_withheld, entry.pit_withheld) == (expected_vat, expected_pit)
    assert sales.filter(vat_withheld__gt=0).exists()
    assert sales.filter(partner__kind=ProducerKind.COOPERATIVE, vat_withheld=0).exists()
    assert not Entry.objects.exclude(
        net=F("gross") - F("commission") - F("vat_withheld") - F("pit_withheld")
    ).exists()
    # Statements are their entries' sums; paid ones carry a bank reference.
    for statement in Statement.objects.all():
        sums = statement.entries.aggregate(
            gross=Sum("gross"), vat=Sum("vat_withheld"), pit=Sum("pit_withheld"), net=Sum("net")
        )
        assert statement.net == sums["net"]
        assert statement.vat_withheld == sums["vat"] and statement.pit_withheld == sums["pit"]
        assert statement.gross_sales + statement.shipping + statement.refunds == sums["gross"]
        starts = datetime.combine(statement.period_start, datetime.min.time(), tzinfo=LOCAL)
        assert not statement.entries.filter(earned_at__lt=starts).exists()
        if statement.status == Statement.Status.PAID:
            assert statement.bank_reference and statement.net > 0 and statement.paid_at <= NOW
    assert Statement.objects.filter(status=Statement.Status.PAID).exists()
    assert not Entry.objects.filter(
        statement=None, earned_at__lt=datetime(2026, 12, 1, tzinfo=LOCAL)
    ).exists()


def test_places_lots_reviews_and_complaints_hold_together(floor):
    for partner in Partner.objects.all():
        assert geo.ward_in_province(partner.ward_code, partner.province_code)
        assert partner.tax_id
    assert {p.kind for p in Partner.objects.all()} >= {"household", "cooperative"}
    for product in Product.objects.all():
        assert product.origin_ward_code == product.producer.ward_code
        assert product.categories.exists() and product.stockrecords.count() == 1
    assert Product.objects.filter(ocop_stars__isnull=False).exists()
    for shipped in LotShipment.objects.select_related("lot", "order_line")[:200]:
        assert shipped.lot.product_id == shipped.order_line.product_id
        assert shipped.quantity == shipped.order_line.quantity
    assert Event.objects.filter(biz_step=BizStep.INSPECTING).exists()
    assert Lot.objects.filter(
        heads__batch__state=AnchorBatch.State.CONFIRMED, events__biz_step=BizStep.INSPECTING
    ).exists()
    assert not ProductReview.objects.exclude(line__status="Delivered").exists()
    assert not Complaint.objects.exclude(shipment__status="delivered").exists()


def test_seeded_orders_open_on_the_buyers_and_the_operators_pages(floor, client):
    from django.contrib.auth.models import Permission

    from tests import factories

    order = (
        Order.objects.filter(user__isnull=False, shipments__status="delivered")
        .annotate(n=Count("shipments"))
        .order_by("-n", "pk")
        .first()
    )
    client.force_login(order.user)
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert page.status_code == 200
    assert order.lines.first().title in page.content.decode()
    operator = factories.operator()
    operator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="order", codename="view_order")
    )
    client.force_login(operator)
    page = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    assert page.status_code == 200
    assert order.number in page.content.decode()


def test_a_second_seed_adds_to_the_first_and_bad_sizes_are_refused(floor):
    more = seed(months=1, per_month=30, producers=3, seed=4, now=NOW)
    assert more["order_order"] == 30 and Order.objects.count() == 430
    assert Partner.objects.count() == 15
    with pytest.raises(ValueError):
        seed(months=0, per_month=10)
    with pytest.raises(ValueError):
        seed(months=1, per_month=10, producers=2)
