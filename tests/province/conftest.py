"""The known-answer floor of November 2026 (compared with October), figures by hand.

Producer A: a household in Xã Đồng Văn (province 8); honey, top category "Mật ong", OCOP 4★,
200,000 ₫. Producer B: a cooperative in Xã Mèo Vạc; tea in "Chè xanh" under the top category
"Chè", not rated, 100,000 ₫.

November (counted):
* o1, 3 Nov 10:00, buyer u1, VNPay paid: 2 × honey = 400,000. Parcel GHN shipped 3 Nov 14:00,
  delivered 4 Nov 14:00 (24 h from shipping, 28 h from the order), quoted 5 Nov: on time. Both
  units from lot L1, anchored and inspected.
* o2, 10 Nov 10:00, buyer u1 again, cash on delivery: 1 × tea = 100,000. Parcel GHTK shipped
  10 Nov 20:00, delivered 13 Nov 08:00 (60 h; 70 h), quoted 12 Nov: late.
* o3, 1 Nov 00:30 (31 Oct in UTC), a guest, VietQR paid: 1 × honey + 3 × tea = 500,000. The
  honey parcel GHN shipped 1 Nov 12:00, delivered 2 Nov 12:00 (24 h; 35 h), quoted 2 Nov: on
  time; the tea parcel is still on its way. The 3 tea units come from lot L2: inspected, not
  anchored.
Not counted: o4 awaiting payment (5 Nov), o5 cancelled (6 Nov), o6 placed 1 Dec 00:30 (30 Nov
in UTC).

  orders 3; GMV 1,000,000; paying buyers 2; producers who sold 2; Đồng Văn 600,000 (3 units),
  Mèo Vạc 400,000 (4 units); Mật ong 600,000, Chè 400,000; household 600,000, cooperative
  400,000; 4★ 600,000, not rated 400,000; VNPay 1 (400,000), COD 1 (100,000), VietQR 1
  (500,000). GHN: 2 delivered, median 24 h from shipping; from the order 28 and 35 h → median 28,
  average 31.5 → 32; on time 2/2. GHTK: 1 delivered, 60 h / 70 h, on time 0/1. On time overall
  2/3. Traceability: 2 of 7 units.
  New producers 1 (an application approved 12 Nov); new listings 1 (a new product approved
  20 Nov; a change approved and a new product rejected are not). Income paid: A's statement
  paid 5 Nov, net 500,000.

October: p1, 15 Oct, buyer u2, VNPay paid: 1 × honey = 200,000, GHN shipped 15 Oct 12:00,
delivered 17 Oct 12:00 (48 h), quoted 16 Oct: late. B's statement paid 5 Oct, net 300,000.
  orders 1; GMV 200,000; buyers 1; producers 1; on time 0/1.
"""

from datetime import date

import pytest
from django.utils import timezone

from shop.fulfilment.models import Shipment
from shop.onboarding.models import Action, Application, Decision
from shop.order import statuses
from shop.partner.models import ProducerKind
from shop.producers.models import ListingChange
from shop.province import services
from tests import factories
from tests.province.builders import (
    Part,
    Sale,
    buyer,
    local,
    lot,
    sales_create,
    shipped_from,
    statement_paid,
)


def _approved_application(partner, operator, at):
    application = Application.objects.create(
        kind=partner.kind,
        name=partner.name,
        representative="Lò Văn Sử",
        phone="0912345678",
        email="hoso@example.com",
        province_code=8,
        ward_code=partner.ward_code,
        payout_bank_bin="970436",
        payout_account_number="0123456789",
        payout_account_holder="LO VAN SU",
        products="Mật ong",
        partner=partner,
    )
    decision = Decision.objects.create(
        application=application, actor=operator, action=Action.APPROVE
    )
    Decision.objects.filter(pk=decision.pk).update(created_at=at)


def _listing(product, operator, *, kind, status, at):
    return ListingChange.objects.create(
        product=product,
        partner=product.producer,
        kind=kind,
        status=status,
        submitted_by=operator,
        decided_by=operator,
        decided_at=at,
    )


@pytest.fixture
def floor(db):
    operator = factories.operator()
    a = factories.producer("Hộ ông Sử, mật ong bạc hà")
    b = factories.producer("HTX Chè Mèo Vạc", ward=factories.MEO_VAC)
    b.kind = ProducerKind.COOPERATIVE
    b.save(update_fields=["kind"])
    honey_category = factories.category("Mật ong")
    tea_root = factories.category("Chè")
    green_tea = tea_root.add_child(name="Chè xanh", is_public=True)
    honey = factories.product(
        "Mật ong bạc hà", price="200000", maker=a, categories=[honey_category], ocop_stars=4
    )
    tea = factories.product(
        "Chè xanh Mèo Vạc", price="100000", maker=b, categories=[green_tea], ward=factories.MEO_VAC
    )
    u1, u2, u3 = buyer("u1@example.com"), buyer("u2@example.com"), buyer("u3@example.com")
    delivered = Shipment.Status.DELIVERED
    o1 = Sale(
        local(2026, 11, 3, 10),
        [
            Part(
                honey,
                2,
                "ghn",
                delivered,
                local(2026, 11, 3, 14),
                local(2026, 11, 4, 14),
                date(2026, 11, 5),
            )
        ],
        user=u1,
    )
    o2 = Sale(
        local(2026, 11, 10, 10),
        [
            Part(
                tea,
                1,
                "ghtk",
                delivered,
                local(2026, 11, 10, 20),
                local(2026, 11, 13, 8),
                date(2026, 11, 12),
            )
        ],
        status=statuses.CASH_ON_DELIVERY,
        method="cod",
        user=u1,
    )
    o3 = Sale(
        local(2026, 11, 1, 0, 30),
        [
            Part(
                honey,
                1,
                "ghn",
                delivered,
                local(2026, 11, 1, 12),
                local(2026, 11, 2, 12),
                date(2026, 11, 2),
            ),
            Part(tea, 3, "ghtk", Shipment.Status.SHIPPED, local(2026, 11, 1, 12)),
        ],
        method="vietqr",
        guest_email="Khach.Le@example.com",
    )
    pending = Sale(
        local(2026, 11, 5),
        [Part(honey, 1, status=Shipment.Status.PENDING)],
        status=statuses.PENDING_PAYMENT,
        user=u2,
    )
    cancelled = Sale(
        local(2026, 11, 6),
        [Part(honey, 1, status=Shipment.Status.CANCELLED)],
        status=statuses.CANCELLED,
        user=u3,
    )
    december = Sale(local(2026, 12, 1, 0, 30), [Part(honey, 1, status=Shipment.Status.PENDING)])
    p1 = Sale(
        local(2026, 10, 15, 10),
        [
            Part(
                honey,
                1,
                "ghn",
                delivered,
                local(2026, 10, 15, 12),
                local(2026, 10, 17, 12),
                date(2026, 10, 16),
            )
        ],
        user=u2,
    )
    sales_create([o1, o2, o3, pending, cancelled, december, p1])
    l1 = lot(honey, anchored=True, inspected=True, code="L1")
    l2 = lot(tea, anchored=False, inspected=True, code="L2")
    shipped_from(o1.parts[0], l1, 2)
    shipped_from(o3.parts[1], l2, 3)
    _approved_application(a, operator, local(2026, 11, 12))
    _listing(
        honey, operator, kind=ListingChange.Kind.NEW, status="approved", at=local(2026, 11, 20)
    )
    _listing(
        honey, operator, kind=ListingChange.Kind.CHANGE, status="approved", at=local(2026, 11, 21)
    )
    _listing(tea, operator, kind=ListingChange.Kind.NEW, status="rejected", at=local(2026, 11, 22))
    statement_paid(a, net="500000", paid_at=local(2026, 11, 5), reference="ST-A-11")
    statement_paid(b, net="300000", paid_at=local(2026, 10, 5), reference="ST-B-10")
    services.summaries_refresh(first=date(2026, 9, 1), last=date(2026, 12, 31))
    return {
        "operator": operator,
        "a": a,
        "b": b,
        "honey": honey,
        "tea": tea,
        "o2": o2,
        "u1": u1,
        "now": timezone.now(),
    }
