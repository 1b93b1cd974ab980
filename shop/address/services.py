"""Writes about addresses."""

from oscar.core.loading import get_model

# Vietnam, the one shipping country (also created by the address app's migration 0009).
VIETNAM = {
    "iso_3166_1_a3": "VNM",
    "iso_3166_1_numeric": "704",
    "printable_name": "Việt Nam",
    "name": "Việt Nam",
    "display_order": 10,
    "is_shipping_country": True,
}


def country_vietnam_ensure():
    """Vietnam as the shipping country, for a database emptied since its migration (the
    demo loader calls it)."""
    Country = get_model("address", "Country")
    country, _ = Country.objects.update_or_create(iso_3166_1_a2="VN", defaults=VIETNAM)
    return country
