"""The producer's forms: the product (what buyers read, reviewed, plus price and stock, live at
once), the pick-up address and default carrier, and the language of its messages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop import geo
from shop.address.forms import WardField, ward_choices, ward_outside, ward_picker_attrs
from shop.carriers import registry
from shop.channels import Channel
from shop.phones import VietnamesePhoneField
from shop.producers.services import (
    REVIEWED_FIELDS,
    RICH_TEXT_FIELDS,
    TRANSLATED_FIELDS,
    product_class_default,
)
from shop.translated import form_languages_label
from shop.uploads.files import PRODUCT_IMAGE
from shop.uploads.forms import UploadsField

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


class ProductForm(forms.ModelForm):
    origin_province_code = forms.TypedChoiceField(label=_("Province of origin"), coerce=int)
    origin_ward_code = forms.TypedChoiceField(
        label=_("Commune of origin"), coerce=int, required=False, empty_value=None
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.filter(is_public=True).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
    )
    # Bounded by their columns: StockRecord.price is NUMERIC(12, 2), num_in_stock an integer.
    price = forms.DecimalField(
        label=_("Price (đồng)"), min_value=0, decimal_places=0, max_digits=10
    )
    num_in_stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=2**31 - 1)
    images = UploadsField(
        label=_("Add images"),
        required=False,
        policy=PRODUCT_IMAGE,
        max_count_setting="PRODUCT_MAX_IMAGES",
    )
    remove_images = forms.MultipleChoiceField(
        label=_("Remove images"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Product
        fields = [*REVIEWED_FIELDS, "categories"]
        widgets = {
            # static/shop/rich_editor.js puts its toolbar over this box; without it, plain text.
            name: forms.Textarea(
                attrs={
                    "rows": 6,
                    "data-rich-editor": "",
                    "data-label-toolbar": _("Formatting"),
                    "data-label-bold": _("Bold"),
                    "data-label-italic": _("Italic"),
                    "data-label-bullets": _("Bulleted list"),
                    "data-label-numbers": _("Numbered list"),
                    "data-label-link": _("Link"),
                    "data-label-link-prompt": _("Address of the link (https://…)"),
                }
            )
            for name in RICH_TEXT_FIELDS
        }

    def __init__(self, *args, producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].label = _("Product name")
        for name in RICH_TEXT_FIELDS:
            self.fields[name].help_text = _(
                "Paragraphs, bold, italic, lists and links; any other formatting is removed."
            )
        form_languages_label(
            self,
            labels={"title": _("Product name")},
            english_help_text=_(
                "Optional. Buyers reading in English see the Vietnamese until you write it."
            ),
        )
        # The Vietnamese text is under the fields' own names ("title"): show the Vietnamese
        # column, whatever the language of this page (reading `title` would follow it).
        if self.instance.pk:
            for name in TRANSLATED_FIELDS:
                self.initial[name] = getattr(self.instance, f"{name}_vi") or ""
        self.fields["origin_province_code"].choices = [("", "—"), *geo.province_choices()]
        province = self.data.get("origin_province_code") or (
            self.instance.origin_province_code if self.instance.pk else producer.province_code
        )
        try:
            province = int(province) if province else None
        except ValueError:
            province = None
        self.fields["origin_ward_code"].choices = [("", "—"), *geo.ward_choices(province)]
        if not self.instance.pk:
            self.instance.producer = producer
            self.instance.product_class = product_class_default()
            self.initial.setdefault("origin_province_code", producer.province_code)
            self.initial.setdefault("origin_ward_code", producer.ward_code)
        images = self.instance.images.all() if self.instance.pk else []
        self.fields["remove_images"].choices = [(str(i.pk), i.caption or str(i.pk)) for i in images]
        if not images:
            del self.fields["remove_images"]

    def submission(self) -> dict:
        """The cleaned form as the services' keyword arguments."""
        data = self.cleaned_data
        submitted = {
            "values": {name: data.get(name) for name in [*REVIEWED_FIELDS, "categories"]},
            "price": data["price"],
            "num_in_stock": data["num_in_stock"],
            "images": data["images"],
        }
        if self.instance.pk:
            submitted["remove_image_ids"] = [int(i) for i in data.get("remove_images", [])]
        return submitted


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the producer reads this)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Why the producer is suspended"), max_length=255)


class PickupForm(forms.Form):
    """The producer's pick-up address (a ward of its own province) and default carrier."""

    street = forms.CharField(
        label=_("House number and street"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        help_text=_("Where the carrier comes to pick the parcels up."),
    )
    ward_code = WardField(label=_("Ward/Commune"))
    phone = VietnamesePhoneField(
        label=_("Phone number for the carrier"),
        help_text=_("The carrier's driver calls it before coming, e.g. 0912 345 678."),
    )
    default_carrier = forms.ChoiceField(
        label=_("Carrier"),
        required=False,
        help_text=_("Your shipments go with this carrier unless you choose another one."),
    )

    def __init__(self, *args, producer, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "street": producer.street,
                "ward_code": producer.ward_code,
                "phone": producer.phone,
                "default_carrier": producer.default_carrier,
            },
        )
        super().__init__(*args, **kwargs)
        self.producer = producer
        self.fields["ward_code"].choices = ward_choices(producer.province_code)
        self.fields["ward_code"].widget.attrs.update(ward_picker_attrs())
        self.fields["default_carrier"].choices = [("", _("Choose a carrier"))] + list(
            registry.choices()
        )

    def clean_ward_code(self):
        ward = self.cleaned_data["ward_code"]
        province = self.producer.province_code
        if province is None or not geo.ward_in_province(ward, province):
            raise forms.ValidationError(
                ward_outside(ward=ward, province=province), code="ward_outside_province"
            )
        return ward


class MessagesForm(forms.Form):
    """How the producer hears from us: the language of its e-mails and statements, and e-mail
    or Zalo (at its pick-up phone) for new orders."""

    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("New orders, statements and decisions on your products come in it."),
    )
    notify_channel = forms.ChoiceField(
        label=_("New orders and cancellations reach you"),
        choices=[
            (Channel.EMAIL, _("By e-mail")),
            (Channel.ZALO, _("By Zalo, at your pick-up phone")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, producer, **kwargs):
        kwargs.setdefault(
            "initial", {"language": producer.language, "notify_channel": producer.notify_channel}
        )
        super().__init__(*args, **kwargs)


class TakedownForm(forms.Form):
    """Why an operator takes a listing down, or restores it (the producer reads it)."""

    reason = forms.CharField(
        label=_("Why (the producer reads this)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why: the producer will read it.")},
    )
