from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.privacy import texts
from shop.privacy.models import RequestKind, RequestState


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Request"), required=False, choices=[("", _("All"))] + RequestKind.choices
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All"))] + RequestState.choices
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ConsentNotice(forms.Widget):
    """The words of a consent given by sending the form: shown, with nothing to tick."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<p class="consent-notice" id="{}">{}</p>', (attrs or {}).get("id", name), self.text
        )

    def value_from_datadict(self, data, files, name):
        return True  # the form was sent with these words on it


class ConsentNoticeField(forms.BooleanField):
    def __init__(self, *, text: str, **kwargs):
        widget = ConsentNotice()
        widget.text = text
        super().__init__(widget=widget, required=False, **kwargs)


def consent_field(*, purpose: str, required: bool = True) -> forms.BooleanField:
    """The consent to `purpose`'s current text (shop.privacy.texts), linking to the privacy
    page. A consent the service needs (`required`) is given by sending the form with its words
    shown above the button; an optional one is a checkbox left unticked."""
    text = texts.current(purpose)
    url = reverse("legal-page", kwargs={"key": "privacy"})  # cms.selectors.legal_page_url
    link = format_html('<a href="{}">{}</a>', url, _("Read the privacy policy"))
    if required:
        return ConsentNoticeField(text=text.words, label=_("Your personal data"), help_text=link)
    return forms.BooleanField(label=text.words, required=False, help_text=link)


class ConsentFieldsMixin:
    """Adds a checkbox per purpose in `consents` ({purpose: required}) at the end of a form,
    named ``consent_<purpose>``; `services.consents_record_from_form` records those ticked."""

    consents: dict[str, bool] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose, required in self.consents.items():
            self.fields[f"consent_{purpose}"] = consent_field(purpose=purpose, required=required)
