import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.carriers import registry
from shop.fulfilment.models import CarrierCallback, Shipment

MAX_WEIGHT_GRAMS = 50_000  # what carriers take as a parcel (the heaviest of their limits)
MAX_SIDE_CM = 200
LOT_FIELD = re.compile(r"^lot_(\d+)_(\d+)$")


class AdvanceForm(forms.Form):
    """The next step of a shipment; shipping one packed without a carrier also needs the
    carrier's name and the tracking number."""

    to = forms.ChoiceField(choices=Shipment.Status.choices, widget=forms.HiddenInput)
    carrier = forms.CharField(label=_("Carrier"), max_length=64, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False)


class WaybillForm(forms.Form):
    """The carrier and the parcel as packed: what its waybill is asked with."""

    carrier = forms.ChoiceField(label=_("Carrier"), required=False)
    weight_grams = forms.IntegerField(
        label=_("Parcel weight (g)"), min_value=1, max_value=MAX_WEIGHT_GRAMS, required=False
    )
    length_cm = forms.IntegerField(
        label=_("Length (cm)"), min_value=1, max_value=MAX_SIDE_CM, required=False
    )
    width_cm = forms.IntegerField(
        label=_("Width (cm)"), min_value=1, max_value=MAX_SIDE_CM, required=False
    )
    height_cm = forms.IntegerField(
        label=_("Height (cm)"), min_value=1, max_value=MAX_SIDE_CM, required=False
    )

    without_carrier = False  # asking a waybill again needs a carrier; the packing may go without

    def __init__(self, *args, default_carrier: str = "", weight_grams: int | None = None, **kw):
        super().__init__(*args, **kw)
        choices = list(registry.choices())
        if self.without_carrier:
            choices.append(("", _("No carrier: I deliver it myself or send it another way")))
        self.fields["carrier"].choices = choices
        self.fields["carrier"].required = not self.without_carrier
        if registry.is_configured(default_carrier):
            self.fields["carrier"].initial = default_carrier
        elif choices:
            self.fields["carrier"].initial = choices[0][0]
        self.fields["weight_grams"].initial = weight_grams

    def clean(self):
        data = super().clean()
        if data.get("carrier") and not data.get("weight_grams"):
            self.add_error("weight_grams", _("Give the parcel's weight in grams."))
        sides = [data.get(name) for name in ("length_cm", "width_cm", "height_cm")]
        if any(sides) and not all(sides):
            self.add_error(None, _("Give the parcel's three sides, or none."))
        return data

    @property
    def size_cm(self) -> tuple[int, int, int] | None:
        sides = tuple(self.cleaned_data.get(n) for n in ("length_cm", "width_cm", "height_cm"))
        return sides if all(sides) else None


class PackForm(WaybillForm):
    """Packing: the carrier and the parcel, and which of the producer's lots each line ships
    from (one quantity field per line and lot: ``lot_<line>_<lot>``)."""

    without_carrier = True

    def __init__(self, *args, lines=(), lots_by_product=None, **kw):
        super().__init__(*args, **kw)
        lots_by_product = lots_by_product or {}
        self.lines = []
        for line in lines:
            lots = lots_by_product.get(line.product_id, [])
            rows = []
            for lot in lots:
                name = f"lot_{line.pk}_{lot.pk}"
                self.fields[name] = forms.IntegerField(
                    label=_("Lot %(code)s") % {"code": lot.code},
                    min_value=0,
                    max_value=line.quantity,
                    required=False,
                    initial=line.quantity if len(lots) == 1 else None,
                )
                rows.append((lot, name))
            self.lines.append((line, rows))

    def line_rows(self):
        """(line, [(lot, bound field)]) for the template."""
        return [(line, [(lot, self[name]) for lot, name in rows]) for line, rows in self.lines]

    def clean(self):
        data = super().clean()
        known = set(self.fields)
        for key in self.data:
            if LOT_FIELD.match(key) and key not in known:
                self.add_error(None, _("One of the lots given is not yours for this product."))
                break
        return data

    @property
    def allocations(self) -> dict[int, list[tuple[object, int]]]:
        """{line id: [(lot, quantity)]} of the quantities given (zero and blank left out)."""
        out: dict[int, list[tuple[object, int]]] = {}
        for line, rows in self.lines:
            out[line.pk] = [
                (lot, self.cleaned_data[name]) for lot, name in rows if self.cleaned_data.get(name)
            ]
        return out


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Shipment.Status.choices),
    )


class CallbackFilterForm(forms.Form):
    """Operators narrow the carriers' callbacks down: by carrier, outcome or order code."""

    carrier = forms.ChoiceField(label=_("Carrier"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All"))] + list(CarrierCallback.Outcome.choices),
    )
    code = forms.CharField(label=_("Order code"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("All"))] + registry.choices()
