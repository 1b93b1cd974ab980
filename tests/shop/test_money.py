from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from shop.money import round_discount, whole_dong


def render_price(value, language):
    with translation.override(language):
        return Template("{% load currency_filters %}{{ v|currency }}").render(Context({"v": value}))


def test_prices_in_vietnamese_use_dots_and_no_decimals():
    assert render_price(Decimal("125000"), "vi") == "125.000\xa0₫"


def test_prices_in_english_use_commas_and_no_decimals():
    assert render_price(Decimal("125000"), "en") == "125,000\xa0₫"


def test_prices_round_to_whole_dong_when_displayed():
    assert render_price(Decimal("99999.50"), "vi") == "100.000\xa0₫"


def test_whole_dong_rounds_half_up_and_refuses_float():
    assert whole_dong(Decimal("1234.5")) == Decimal("1235")
    assert whole_dong("10") == Decimal("10")
    with pytest.raises(TypeError):
        whole_dong(1.5)


def test_discounts_round_down_to_whole_dong():
    assert round_discount(Decimal("14999.99")) == Decimal("14999")
    assert round_discount(Decimal("15000")).as_tuple().exponent == 0
