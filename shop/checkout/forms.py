from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms

from payments.gateways_registry import label


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How will you pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, label(m)) for m in methods]
        if methods:
            self.fields["method"].initial = methods[0]


class GatewayForm(oscar_forms.GatewayForm):
    """Oscar's "who are you?" form; its password box, shown beside the "I have an account"
    choice without a label of its own, gets its name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs["aria-label"] = _("Password")
