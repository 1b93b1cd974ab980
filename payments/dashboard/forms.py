"""Forms of the payments dashboard: filters read GET parameters, actions need a reason."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.templatetags.currency_filters import currency

from payments.gateways_registry import adapter_for, label
from payments.models import AttemptStatus, BankCredit, PaymentAttempt

ANY = ("", _("Any"))
YES, NO = "yes", "no"

# What `GatewayCall.operation` holds besides each gateway's callback (see `operations`).
OPERATIONS = [
    ("start", _("Payment started")),
    ("return", _("Buyer returned from the gateway")),
    ("query", _("Status query")),
    ("refund", _("Refund")),
]


def operations() -> list[tuple[str, str]]:
    """The operations the call log holds: the common ones and each gateway's callback, named
    after the gateways that call us that way."""
    callbacks: dict[str, list[str]] = {}
    for method in settings.PAYMENT_GATEWAYS:
        callbacks.setdefault(adapter_for(method).callback.operation, []).append(label(method))
    named = [
        (operation, _("%(gateways)s notification") % {"gateways": ", ".join(labels)})
        for operation, labels in callbacks.items()
    ]
    return [*OPERATIONS[:1], *named, *OPERATIONS[1:]]


def method_choices(*, online: bool = False) -> list[tuple[str, str]]:
    methods = settings.PAYMENT_GATEWAYS if online else settings.PAYMENT_METHODS
    return [ANY, *((m, label(m)) for m in methods)]


def _yes_no(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class AttemptFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or order number"), required=False, max_length=128)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[ANY, *AttemptStatus.choices]
    )
    method = forms.ChoiceField(label=_("Method"), required=False)
    needs_review = forms.ChoiceField(
        label=_("Needs review"), required=False, choices=[ANY, (YES, _("Yes")), (NO, _("No"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = method_choices()

    def filters(self) -> dict:
        """Keyword arguments for `selectors.attempts_for_operators`; none when invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "method": data["method"],
            "needs_review": _yes_no(data["needs_review"]),
            "query": data["q"],
        }


class CallFilterForm(forms.Form):
    gateway = forms.ChoiceField(label=_("Gateway"), required=False)
    operation = forms.ChoiceField(label=_("Operation"), required=False)
    signature = forms.ChoiceField(
        label=_("Signature"),
        required=False,
        choices=[
            ANY,
            ("valid", _("Verified")),
            ("invalid", _("Invalid")),
            ("unchecked", _("Not checked")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gateway"].choices = method_choices(online=True)
        self.fields["operation"].choices = [ANY, *operations()]

    def filters(self) -> dict:
        """Keyword arguments for `selectors.calls_for_operators`; none when invalid."""
        return dict(self.cleaned_data) if self.is_valid() else {}


class CreditFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Waiting for an operator")), *BankCredit.Status.choices],
    )


class ReasonField(forms.CharField):
    def __init__(self, *, required: bool = True, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(required=required, **kwargs)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (đồng)"), max_digits=14, decimal_places=0, min_value=1
    )
    reason = ReasonField(max_length=255)
    # Whose goods are refunded: asked only when the order holds several producers' goods.
    partner = forms.ModelChoiceField(
        label=_("Producer whose goods are refunded"), queryset=None, required=True
    )
    # One token per rendered form: the same form submitted twice refunds once.
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, attempt: PaymentAttempt, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        if len(partners) > 1:
            self.fields["partner"].queryset = (
                type(partners[0]).objects.filter(pk__in=[p.pk for p in partners]).order_by("name")
            )
        else:  # one producer (or none): implied
            del self.fields["partner"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        refundable = self.attempt.refundable
        if amount > refundable:
            raise ValidationError(
                _("At most %(amount)s can be refunded."),
                code="too_much",
                params={"amount": currency(refundable, self.attempt.currency)},
            )
        return amount

    def renew_token(self, token: str) -> None:
        """After a failed refund, the page shows the same form with a fresh token."""
        self.data = self.data.copy()
        self.data["token"] = token


class CashCollectedForm(forms.Form):
    reason = ReasonField(required=False, label=_("Note (optional)"))


class ReferenceField(forms.ModelChoiceField):
    """A payment picked by typing (or pasting) its reference, in any case, spaces tolerated."""

    def to_python(self, value):
        return super().to_python("".join(str(value or "").split()).upper())


class TransferConfirmForm(forms.Form):
    attempt = ReferenceField(
        label=_("Payment reference"),
        queryset=PaymentAttempt.objects.none(),
        to_field_name="reference",
        widget=forms.TextInput(attrs={"list": "transfer-suggestions", "autocomplete": "off"}),
        error_messages={
            "invalid_choice": _("No pending or expired VietQR payment has this reference.")
        },
    )
    reason = ReasonField()

    def __init__(self, *args, attempts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempt"].queryset = attempts


class ReasonForm(forms.Form):
    """Dismissing a transfer, closing a review: say why."""

    reason = ReasonField()
