"""Forms of the complaint pages. They check shapes and give the services plain values; the
services decide (who, when, which state) and say why they refuse."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.banks import BANKS
from shop.complaints import services
from shop.complaints.models import Reason, Remedy
from shop.uploads.forms import UploadsField


def bank_choices():
    return [("", _("Choose a bank"))] + [
        (bank.bin, f"{bank.short_name} – {bank.name}") for bank in BANKS
    ]


class AccountFields(forms.Form):
    bank_bin = forms.ChoiceField(label=_("Bank"), required=False, choices=())
    account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("6 to 19 digits."),
    )
    account_holder = forms.CharField(
        label=_("Account holder"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_bin"].choices = bank_choices()


class OpenForm(AccountFields):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=Reason.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you received, what is wrong with it, and when you noticed."),
    )
    wish = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[(r.value, r.label) for r in services.WISHES],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    quantity = forms.IntegerField(label=_("Quantity concerned"), min_value=1)
    photos = UploadsField(
        label=_("Photos"),
        required=False,
        policy=services.COMPLAINT_PHOTO,
        max_count_setting="COMPLAINT_MAX_PHOTOS",
        help_text=_(
            "Up to %(count)d photos (JPEG, PNG or WebP). Only the producer and the floor's "
            "operators see them."
        ),
    )

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].max_value = line.quantity
        self.fields["quantity"].widget.attrs.update(max=line.quantity, min=1)
        self.fields["quantity"].initial = line.quantity
        photos = self.fields["photos"]
        photos.help_text = photos.help_text % {"count": settings.COMPLAINT_MAX_PHOTOS}


class AnswerForm(forms.Form):
    KINDS = [
        ("accept", _("Accept what the buyer asks")),
        ("propose", _("Propose something else")),
        ("reject", _("Reject, with a reason")),
    ]
    kind = forms.ChoiceField(
        label=_("Your answer"),
        choices=KINDS,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    remedy = forms.ChoiceField(
        label=_("What you propose"),
        required=False,
        choices=[("", "—")] + [(r.value, r.label) for r in services.PROPOSALS],
    )
    amount = forms.DecimalField(
        label=_("Amount refunded (đồng)"), required=False, min_value=1, decimal_places=0
    )
    text = forms.CharField(
        label=_("Your message to the buyer"),
        required=False,
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to reject, or to propose something else in words."),
    )


class DecideForm(forms.Form):
    remedy = forms.ChoiceField(label=_("Decision"), choices=[("", "—")] + list(Remedy.choices))
    amount = forms.DecimalField(
        label=_("Amount refunded (đồng)"),
        required=False,
        min_value=1,
        decimal_places=0,
        help_text=_("For a refund or a return."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Both parties read it."),
    )


class FilterForm(forms.Form):
    state = forms.ChoiceField(required=False, label=_("State"), choices=())

    def __init__(self, *args, **kwargs):
        from shop.complaints.models import State

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All"))] + list(State.choices)


class ReplyForm(forms.Form):
    ACTIONS = ("accept", "escalate", "withdraw")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    text = forms.CharField(required=False, max_length=services.ANSWER_MAX)
