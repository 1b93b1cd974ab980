"""The settlement tests here check commission, periods, balances and payment: they sell as
producers the tax rules do not withhold from (withholding is tested in tests/tax/)."""

import pytest


@pytest.fixture(autouse=True)
def _no_withholding(settings):
    settings.TAX_WITHHELD_KINDS = ()
