"""Mai's cash-on-delivery order of honey (delivered) and tea (shipped, still on its way),
from the complaints tests' world; Lan, another buyer with an order of her own."""

import pytest
from django.utils import timezone

from tests.complaints.conftest import world  # noqa: F401 (the fixture, reused)
from tests.fulfilment.cod_helpers import buyer

PASSWORD = "pw-123456"  # tests.fulfilment.cod_helpers.buyer's


@pytest.fixture
def lan():
    return buyer("lan")


def deliver(shipment):
    """The parcel arrived (as the carrier's tracking would record it)."""
    from shop.fulfilment.models import Shipment

    Shipment.objects.filter(pk=shipment.pk).update(
        status=Shipment.Status.DELIVERED, delivered_at=timezone.now()
    )
