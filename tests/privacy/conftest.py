"""Mai's cash-on-delivery order of honey (delivered) and tea (shipped, still on its way),
from the complaints tests' world; Lan, another buyer with an order of her own."""

import pytest

from tests.complaints.conftest import world  # noqa: F401 (the fixture, reused)
from tests.fulfilment.cod_helpers import buyer

PASSWORD = "pw-123456"  # tests.fulfilment.cod_helpers.buyer's


@pytest.fixture
def lan():
    return buyer("lan")
