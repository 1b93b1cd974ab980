from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from oscar.apps.catalogue.admin import *  # noqa: F403 (Oscar fork pattern)
from oscar.apps.catalogue.admin import ProductAdmin as OscarProductAdmin
from oscar.core.loading import get_model

from shop.catalogue.models import TAKEN_DOWN

Product = get_model("catalogue", "Product")


class ProductAdminForm(forms.ModelForm):
    """The admin cannot make a taken-down listing public either: only restoring it can. (The
    admin builds the form's Meta from the model and its fields.)"""

    def clean_is_public(self):
        public = self.cleaned_data.get("is_public")
        if public and self.instance.has_active_takedown:
            raise ValidationError(TAKEN_DOWN, code="taken_down")
        return public


class ProductAdmin(OscarProductAdmin):
    form = ProductAdminForm


admin.site.unregister(Product)
admin.site.register(Product, ProductAdmin)
