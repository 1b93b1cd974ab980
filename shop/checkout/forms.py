from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms

from payments.gateways_registry import label
from shop.channels import Channel
from shop.privacy.forms import consent_field


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How will you pay?"), widget=forms.RadioSelect)
    # How the buyer hears about this order: e-mail, or Zalo at the delivery phone.
    notify_channel = forms.ChoiceField(
        label=_("Where shall we tell you about your order?"),
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, methods: list[str], phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, label(m)) for m in methods]
        if methods:
            self.fields["method"].initial = methods[0]
        zalo = _("Zalo, at the delivery phone %(phone)s") % {"phone": phone}
        self.fields["notify_channel"].choices = [(Channel.EMAIL, _("By e-mail"))] + (
            [(Channel.ZALO, zalo)] if phone else []
        )
        self.fields["consent_order"] = consent_field(purpose="order")  # shop.privacy

    def clean_notify_channel(self) -> str:
        """Not sent (a page without the choice): the buyer's usual channel, else e-mail."""
        field = self.fields["notify_channel"]
        return (
            self.cleaned_data.get("notify_channel")
            or self.get_initial_for_field(field, "notify_channel")
            or Channel.EMAIL
        )


class GatewayForm(oscar_forms.GatewayForm):
    """Oscar's "who are you?" form; its password box, shown beside the "I have an account"
    choice without a label of its own, gets its name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs["aria-label"] = _("Password")
