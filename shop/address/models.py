"""Addresses in Vietnam: a recipient (one full name, in Vietnamese order), a phone, and the
official units (province, then ward or commune, post-2025: shop/geo.py) with the house number
and street. The unit codes are what carriers are given (shop/carriers/units); Oscar's own
fields keep the names (``state``: province, ``line4``: ward) for its summaries and hashes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractUserAddress

from shop import geo, people


class VietnameseAddress(models.Model):
    """The official units of an address, by code (shop/geo.py)."""

    province_code = models.PositiveSmallIntegerField(_("Province or city"), null=True, blank=True)
    ward_code = models.PositiveIntegerField(_("Ward or commune"), null=True, blank=True)

    class Meta:
        abstract = True

    def set_units(self, *, province_code: int, ward_code: int) -> None:
        """Store the units by code, and their current names where Oscar shows an address."""
        self.province_code, self.ward_code = province_code, ward_code
        self.state = geo.province(province_code).name
        self.line4 = geo.ward(ward_code).name

    @property
    def is_deliverable(self) -> bool:
        """A name, a phone, a street, and a ward of the province: what a carrier needs. (An
        address saved before these were asked may lack some.)"""
        return bool(
            (self.first_name or "").strip()
            and (self.line1 or "").strip()
            and self.phone_number
            and self.province_code
            and self.ward_code
            and geo.ward_in_province(self.ward_code, self.province_code)
        )

    @property
    def salutation(self) -> str:
        """The recipient's full name as written (an address saved with Oscar's split name is
        shown family name first, shop/people.py)."""
        return people.full_name(self)

    @property
    def name(self) -> str:
        return people.full_name(self)

    def active_address_fields(self):
        """As a Vietnamese reader expects it: the recipient, the house and street, the hamlet,
        the ward, the province (no country: we ship within Vietnam)."""
        return self.get_address_field_values(["salutation", "line1", "line2", "line4", "state"])


class UserAddress(VietnameseAddress, AbstractUserAddress):  # noqa: DJ008 (Oscar's __str__)
    class Meta(AbstractUserAddress.Meta):
        pass


from oscar.apps.address.models import *  # noqa: E402, F403 (Oscar fork pattern)
