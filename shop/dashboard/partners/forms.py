"""Oscar's producer (partner) forms: the name and story in Vietnamese and English; a producer's
users with one full name (shop/people.py)."""

from django import forms
from oscar.apps.dashboard.partners import forms as oscar_forms
from oscar.core.loading import get_model

from shop.dashboard.catalogue.forms import ENGLISH_HELP
from shop.people import FullNameFields
from shop.translated import columns, form_languages_label, in_language

Partner = get_model("partner", "Partner")
PARTNER_TEXT = ("name", "story")


class PartnerCreateForm(oscar_forms.PartnerCreateForm):
    class Meta(oscar_forms.PartnerCreateForm.Meta):
        fields = columns(*PARTNER_TEXT)

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.fields["name_vi"].required = True
        form_languages_label(self, english_help_text=ENGLISH_HELP)


class PartnerAddressForm(oscar_forms.PartnerAddressForm):
    """The producer's address, with its name and story in both languages (the view saves
    them on the producer)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        for name in PARTNER_TEXT:
            model_field = Partner._meta.get_field(f"{name}_vi")
            for code in ("vi", "en"):
                self.fields[f"{name}_{code}"] = model_field.formfield(
                    label=in_language(Partner._meta.get_field(name).verbose_name, code),
                    required=(name, code) == ("name", "vi"),
                    help_text=ENGLISH_HELP if code == "en" else "",
                )
        self.order_fields(columns(*PARTNER_TEXT))  # the producer's texts, then the address

    def partner_values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in columns(*PARTNER_TEXT)}


class NewUserForm(FullNameFields, oscar_forms.NewUserForm):
    """A producer's new user: one full name (shop/people.py), the e-mail and a password."""


class ExistingUserForm(FullNameFields, oscar_forms.ExistingUserForm):
    """A producer's user: one full name (shop/people.py), the role and an optional password."""
