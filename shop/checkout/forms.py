from django import forms
from django.utils.translation import gettext_lazy as _

from payments.gateways_registry import label


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How will you pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, label(m)) for m in methods]
        if methods:
            self.fields["method"].initial = methods[0]
