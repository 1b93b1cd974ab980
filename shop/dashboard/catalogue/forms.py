"""Operators' product images go through the same check as producers' (shop/uploads)."""

from oscar.apps.dashboard.catalogue import forms as oscar_forms

from shop.uploads.files import PRODUCT_IMAGE, upload_clean


class ProductImageForm(oscar_forms.ProductImageForm):
    def clean_original(self):
        image = self.cleaned_data.get("original")
        if image and not getattr(image, "_committed", False):  # a new upload, not the stored one
            return upload_clean(image, policy=PRODUCT_IMAGE).file
        return image
