"""Operators' product images go through the same check as producers' (shop/uploads)."""

from oscar.apps.dashboard.catalogue import forms as oscar_forms

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
