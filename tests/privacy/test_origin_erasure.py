"""A buyer who once recorded lot events (a producer's former staff): their name in the lot
histories is erased through origin v2's erasure, which an operator carries out."""

from datetime import date
from decimal import Decimal

import pytest

from shop.privacy import services
from tests import factories
from traceability import services as traceability
from traceability.models import ErasureRequest, EventDisclosure

pytestmark = pytest.mark.django_db

NAME = "Thào Mí Sính"


@pytest.fixture
def former_staff():
    producer = factories.producer("Hộ Giàng Thị Dợ", code="ho-do")
    user = factories.producer_user(producer, email="sinh@example.vn")
    user.first_name = NAME
    user.set_password("pw-123456")
    user.save()
    product = factories.product("Mật ong bạc hà 500ml", maker=producer)
    traceability.lot_create(
        product=product,
        code="MO-2611-09",
        production_date=date(2026, 11, 3),
        quantity=Decimal("240"),
        unit="LTR",
        actor=user,
    )
    producer.users.remove(user)  # left the household's work: a buyer like any other
    return user


def test_the_erasure_waits_for_an_operator_who_erases_the_origin_records(former_staff):
    assert EventDisclosure.objects.filter(subject_user=former_staff, erased_at=None).exists()
    request = services.erasure_request(user=former_staff, password="pw-123456")
    services.erasure_carry_out(request_id=request.pk)
    request.refresh_from_db()
    assert request.state == "waiting" and request.outcome["waiting"] == {"origin": True}
    former_staff.refresh_from_db()
    assert former_staff.is_active

    operator = factories.operator()
    services.erasure_carry_out(request_id=request.pk, operator_id=operator.pk)
    request.refresh_from_db()
    assert (request.state, request.handled_by) == ("done", operator)
    assert request.outcome["origin_values_erased"] >= 1
    assert not EventDisclosure.objects.filter(subject_user=former_staff, erased_at=None).exists()
    origin = ErasureRequest.objects.get(user=former_staff)
    assert (origin.reference, origin.operator) == (f"PD-{request.pk}", operator)
