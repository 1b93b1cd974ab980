"""The known-answer floor for November 2026 (times in Asia/Ho_Chi_Minh), figures by hand.

Producer A (commune Đồng Văn, its product's origin), six orders placed on 3 November:
* a1–a3 delivered on 6 November, quoted 6 November: on time (a1 has two lines);
* a4 delivered on 6 November, quoted 5 November: late;
* a5 delivered at 00:30 on 7 November, quoted 6 November: late here, though still the 6th in
  UTC;
* a6 cancelled; online payments: a1–a5 paid, a6 failed.
Reviews of A in November: 5, 4, 3 (and a hidden 1, not counted). Complaints on A opened in
November: one settled after 10 h in time, one after 30 h late (and one withdrawn, not counted).

  A: orders 6, placed 6, cancelled 1 → access 5/6 = 83.3; ordering 5/6 = 83.3;
     conduct (4.0 − 1)/4 = 75.0; delivered 5, on time 3 (60 %), complaints 2/5 (40 %)
     → goods (60 + 60)/2 = 60.0; complaints in time 1/2 = 50.0; median 20.0 h;
     index (83.33 + 83.33 + 75 + 60 + 50)/5 = 70.3.

Producer B (commune Mèo Vạc; its product has no origin: B's own is used), cash on delivery:
b1 placed at 00:30 on 1 November (31 October in UTC) and b2 on 10 November, both delivered on
12 November, quoted 13 November; b0 placed and delivered on 31 October (not November).
  B: orders 2 (< 5): no index, no dimension measured.

Floor (= province 8, both producers are there): orders 8, cancelled 1 → access 87.5;
ordering 83.3; conduct 75.0; delivered 7, on time 5, complaints 2 → goods
(71.43 + 71.43)/2 = 71.4; complaints 50.0; index 367.26/5 = 73.5.
"""

from dataclasses import dataclass

import pytest
from oscar.core.loading import get_model

from payments.models import AttemptStatus
from shop.complaints.models import State
from shop.fulfilment.models import Shipment
from tests import factories
from tests.satisfaction.builders import (
    Sale,
    complaint_rows,
    local,
    reviews_create,
    sales_create,
)

Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")
DELIVERED, CANCELLED = Shipment.Status.DELIVERED, Shipment.Status.CANCELLED
PAID, FAILED = AttemptStatus.PAID, AttemptStatus.FAILED


@dataclass
class Floor:
    a: object
    b: object
    product_a: object
    product_b: object


@pytest.fixture
def november():
    a = factories.producer("HTX Mật ong Đồng Văn", ward=factories.DONG_VAN)
    b = factories.producer("HTX Chè Mèo Vạc", ward=factories.MEO_VAC)
    honey = factories.product("Mật ong bạc hà", maker=a, ward=factories.DONG_VAN)
    tea = factories.product("Chè Shan tuyết", maker=b, ward=factories.DONG_VAN)
    Product.objects.filter(pk=tea.pk).update(origin_province_code=None, origin_ward_code=None)
    tea.refresh_from_db()
    placed = local(2026, 11, 3, 9)
    on_day = local(2026, 11, 6, 15)
    quoted = on_day.date()
    a_sales = sales_create(
        [
            Sale(honey, placed, DELIVERED, quoted, on_day, lines=2, payment=PAID),
            Sale(honey, placed, DELIVERED, quoted, on_day, payment=PAID),
            Sale(honey, placed, DELIVERED, quoted, on_day, payment=PAID),
            Sale(honey, placed, DELIVERED, local(2026, 11, 5).date(), on_day, payment=PAID),
            Sale(honey, placed, DELIVERED, quoted, local(2026, 11, 7, 0, 30), payment=PAID),
            Sale(honey, placed, CANCELLED, payment=FAILED),
        ]
    )
    sales_create(
        [
            Sale(
                tea,
                local(2026, 11, 1, 0, 30),
                DELIVERED,
                local(2026, 11, 13).date(),
                local(2026, 11, 12),
            ),
            Sale(
                tea, local(2026, 11, 10), DELIVERED, local(2026, 11, 13).date(), local(2026, 11, 12)
            ),
            Sale(
                tea,
                local(2026, 10, 31, 23, 30),
                DELIVERED,
                local(2026, 10, 31).date(),
                local(2026, 10, 31, 23, 45),
            ),
        ]
    )
    reviews_create([(a_sales[0], 5, on_day), (a_sales[1], 4, on_day), (a_sales[2], 3, on_day)])
    reviews_create([(a_sales[3], 1, on_day)], status=ProductReview.REJECTED)
    complaint_rows(
        [(a_sales[3], local(2026, 11, 8), 10, True), (a_sales[4], local(2026, 11, 8), 30, False)]
    )
    complaint_rows([(a_sales[1], local(2026, 11, 8), None, None)], state=State.WITHDRAWN)
    return Floor(a=a, b=b, product_a=honey, product_b=tea)
