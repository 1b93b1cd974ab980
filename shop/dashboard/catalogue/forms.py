"""Oscar's catalogue forms: operators' product images go through the same check as producers'
(shop/uploads), and products and categories are written in Vietnamese and English."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms

from shop.catalogue.models import TAKEN_DOWN
from shop.translated import columns, form_languages_label
from shop.uploads.files import PRODUCT_IMAGE, Upload
from shop.uploads.forms import UploadField


class ImageUploadField(UploadField):
    """An image checked and re-encoded, handed to the model field as the file to store."""

    def clean(self, data, initial=None):
        checked = super().clean(data, initial)
        return checked.file if isinstance(checked, Upload) else checked


class ProductImageForm(oscar_forms.ProductImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        original = self.fields["original"]
        self.fields["original"] = ImageUploadField(
            policy=PRODUCT_IMAGE,
            label=original.label,
            required=original.required,
            widget=original.widget,
        )


# What operators write in both languages (shop/translated.py): each text's Vietnamese column,
# then its English one, where Oscar's forms have the one field.
PRODUCT_TEXT = ("title", "description")
PRODUCT_FACTS = ("geographical_indication", "season", "storage")
SEO_TEXT = ("meta_title", "meta_description")
ENGLISH_HELP = _("Buyers reading in English see the Vietnamese until this is written.")


def _in_both_languages(fields, translated) -> list[str]:
    """Oscar's field list with each translated field replaced by its two columns."""
    return [
        column
        for field in fields
        for column in (columns(field) if field in translated else [field])
    ]


class TranslatedSEOMixin:
    """Oscar's search-engine tab holds the title and description in both languages."""

    seo_fields = ["slug", *columns(*SEO_TEXT)]

    def _languages_set(self):
        form_languages_label(self, english_help_text=ENGLISH_HELP)
        for name in columns("meta_description"):
            if name in self.fields:
                self.fields[name].widget = forms.Textarea(attrs={"class": "no-widget-init"})


class ProductForm(TranslatedSEOMixin, oscar_forms.ProductForm):
    class Meta(oscar_forms.ProductForm.Meta):
        fields = [
            *_in_both_languages(oscar_forms.ProductForm.Meta.fields, PRODUCT_TEXT + SEO_TEXT),
            *columns(*PRODUCT_FACTS),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._languages_set()
        for name in columns("title"):
            if name in self.fields:
                self.fields[name].widget = forms.TextInput(attrs={"autocomplete": "off"})

    def clean_is_public(self):
        """A listing an operator took down goes back on sale only by restoring it, with a
        reason (shop.producers); ticking "Public" here would bypass that record."""
        public = self.cleaned_data.get("is_public")
        if public and self.instance.has_active_takedown:
            raise ValidationError(TAKEN_DOWN, code="taken_down")
        return public

    def delete_non_child_fields(self):
        """A variant shows its parent's description, in either language."""
        super().delete_non_child_fields()
        for name in columns("description"):
            self.fields.pop(name, None)


class CategoryForm(oscar_forms.CategoryForm):
    class Meta(oscar_forms.CategoryForm.Meta):
        fields = _in_both_languages(oscar_forms.CategoryForm.Meta.fields, ("name", "description"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_vi"].required = True
        form_languages_label(self, english_help_text=ENGLISH_HELP)
