"""Two producers, one in the buyer's province (Tuyên Quang) and one in Hà Nội, and a buyer who
orders from both through the real checkout."""

from decimal import Decimal

from oscar.core.loading import get_model

from tests import factories
from tests.payments import flow

Order = get_model("order", "Order")

HA_NOI = 1


def producers():
    honey_maker = factories.producer("HTX Mật ong Đồng Văn")
    honey_maker.shipping_same_province = Decimal(20000)
    honey_maker.shipping_elsewhere = Decimal(35000)
    honey_maker.save()
    tea_maker = factories.producer("Trà Shan tuyết Hà Nội")
    tea_maker.province_code = HA_NOI
    tea_maker.ward_code = None
    tea_maker.shipping_same_province = Decimal(15000)
    tea_maker.shipping_elsewhere = Decimal(30000)
    tea_maker.save()
    return honey_maker, tea_maker


def two_producer_order(client, method="vietqr"):
    """Honey (Tuyên Quang, same province as the buyer) and tea (Hà Nội): 20 000 + 30 000."""
    honey_maker, tea_maker = producers()
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", maker=honey_maker)
    tea = factories.product("Trà Shan tuyết cổ thụ", price="200000", maker=tea_maker)
    response = flow.checkout(client, products=[(honey, 1), (tea, 2)], method=method)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return flow.latest_order(), honey_maker, tea_maker
