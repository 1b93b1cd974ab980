"""Address forms in Vietnamese order: the recipient's full name, a phone, the province, the ward
or commune of that province (official units, shop/geo.py), the house number and street, an
optional hamlet, and notes for the carrier. No postcode, no country: we ship within Vietnam.

The ward list is that of the chosen province. Without JavaScript the buyer changes the province
and presses "update the list" (or submits): the form comes back with the new province's wards and
says so (``wards_refreshed``), instead of an error. With JavaScript (static/shop/ward_picker.js)
the list is fetched as the province changes and filtered as the buyer types. Either way the
server checks that the ward lies in the province.

Oscar's ``address.forms`` fork: ``UserAddressForm`` (the address book, and checkout's "edit
address") is ours; the rest falls back to Oscar's through ``get_class``.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.forms import AbstractAddressForm
from oscar.core.loading import get_model

from shop import geo
from shop.phones import VietnamesePhoneField

UserAddress = get_model("address", "UserAddress")

VIETNAM = "VN"  # the only shipping country (address migration 0009)
REFRESH = "update_wards"  # the no-JavaScript button that re-lists the wards
FIELDS = [
    "first_name",
    "phone_number",
    "province_code",
    "ward_code",
    "line1",
    "line2",
    "notes",
]


def _code(raw) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


def province_choices() -> list[tuple]:
    return [("", _("Choose a province or city"))] + list(geo.province_choices())


def ward_choices(province_code: int | None) -> list[tuple]:
    if province_code is None:
        return [("", _("Choose the province or city first"))]
    return [("", _("Choose a ward or commune"))] + geo.ward_choices(province_code)


class WardField(forms.TypedChoiceField):
    """Any official ward or commune is a valid value, whichever are listed; whether it lies in
    the chosen province is checked by the form, with a message that says so."""

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("choices", ())
        super().__init__(**kwargs)

    def valid_value(self, value):
        code = _code(value)
        return code is not None and geo.ward(code) is not None


def ward_outside(*, ward: int, province: int | None) -> str:
    """The error for a ward or commune that is not in the province."""
    return _("%(ward)s is not in %(province)s. Choose a ward or commune of %(province)s.") % {
        "ward": geo.ward(ward).name,
        "province": getattr(geo.province(province), "name", "—"),
    }


def wards_url_template() -> str:
    """The JSON list of a province's wards, with ``{province}`` for its code."""
    return reverse("units:province-wards", args=[0]).replace("/0/", "/{province}/")


def ward_picker_attrs(*, province_field_id: str = "") -> dict:
    """What static/shop/ward_picker.js reads from the ward select."""
    attrs = {
        "data-ward-picker": "",
        "data-search-label": str(_("Search a ward or commune")),
        "data-choose-text": str(_("Choose a ward or commune")),
        "data-search-hint": str(_("Type part of the name, with or without accents.")),
        "data-count-text": str(_("%(count)s wards or communes match")),
        "data-loading-text": str(_("Loading the wards and communes…")),
    }
    if province_field_id:
        attrs["data-province-field"] = province_field_id
        attrs["data-wards-url"] = wards_url_template()
    return attrs


class VietnameseAddressFields(forms.ModelForm):
    """The fields and checks every Vietnamese address form shares (checkout, address book).

    The model is an address with ``shop.address.models.VietnameseAddress``'s units. The name
    goes in ``first_name`` whole (``last_name`` stays empty): Vietnamese names are written and
    said family name first, and a carrier prints them as one line.
    """

    first_name = forms.CharField(
        label=_("Recipient's full name"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write the name of the person who receives the parcel.")},
    )
    phone_number = VietnamesePhoneField(
        label=_("Phone number"),
        help_text=_("The carrier calls this number before delivering, e.g. 0912 345 678."),
        error_messages={"required": _("The carrier needs a phone number to deliver.")},
    )
    province_code = forms.TypedChoiceField(
        label=_("Province/City"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Choose the province or city.")},
    )
    ward_code = WardField(
        label=_("Ward/Commune"),
        error_messages={"required": _("Choose the ward or commune.")},
    )
    line1 = forms.CharField(
        label=_("House number and street"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": _("Write the house number and street.")},
    )
    line2 = forms.CharField(
        label=_("Hamlet, village or residential group"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
        help_text=_("If there is one, for example: Thôn Lũng Cẩm."),
    )
    notes = forms.CharField(
        label=_("Notes for the delivery"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: call before coming, deliver after 5 p.m."),
    )
    # The province whose wards the page listed: tells a changed province from a wrong ward.
    wards_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.last_name:  # saved before: one name now
            self.initial["first_name"] = self.instance.salutation
        self.instance.country_id = VIETNAM
        self.instance.last_name = ""
        self.wards_refreshed, self.refresh_message = False, ""
        province = self._province()
        if self.is_bound:
            listed = _code(self.data.get(self.add_prefix("wards_of")))
            self.wards_refreshed = province is not None and (
                (listed is not None and listed != province)
                or (listed is None and REFRESH in self.data)
            )
            self.data = self.data.copy()  # the page re-lists the province now chosen
            self.data[self.add_prefix("wards_of")] = "" if province is None else str(province)
        else:
            self.initial["wards_of"] = province
        self.fields["province_code"].choices = province_choices()
        self.fields["ward_code"].choices = ward_choices(province)
        self.fields["ward_code"].widget.attrs.update(
            ward_picker_attrs(province_field_id=self["province_code"].auto_id)
        )
        self.order_fields(FIELDS)

    def _province(self) -> int | None:
        if self.is_bound:
            code = _code(self.data.get(self.add_prefix("province_code")))
        else:
            code = self.initial.get("province_code", getattr(self.instance, "province_code", None))
            code = _code(code)
        return code if code is not None and geo.province(code) is not None else None

    def clean(self):
        cleaned = super().clean()
        province, ward = cleaned.get("province_code"), cleaned.get("ward_code")
        if self.wards_refreshed:  # not an error of the buyer's: only the new list to choose from
            self._errors.pop("ward_code", None)
            self.refresh_message = _(
                "The list now shows the wards and communes of %(province)s: choose yours, "
                "then continue."
            ) % {"province": geo.province(self._province()).name}
            raise forms.ValidationError(self.refresh_message, code="wards_refreshed")
        if province and ward:
            if not geo.ward_in_province(ward, province):
                self.add_error("ward_code", ward_outside(ward=ward, province=province))
            else:
                self.instance.set_units(province_code=province, ward_code=ward)
        return cleaned


class UserAddressForm(VietnameseAddressFields, AbstractAddressForm):
    """The buyer's address book (and checkout's "edit address"): same fields as checkout."""

    class Meta:
        model = UserAddress
        fields = FIELDS

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
