"""A person's name: one full name, written as the person writes it (Vietnamese order, family name
first: "Phạm Thị Mai", "Thào Mí Sính").

Django's user keeps Oscar's ``first_name``/``last_name`` underneath; the full name goes whole in
``first_name`` and ``last_name`` stays empty, as the address forms already do for recipients
(shop/address/forms.py). An account saved with the old split (given name in ``first_name``,
family name in ``last_name``) is shown family name first.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


def full_name(person) -> str:
    """The full name as written ('' when there is none), of a user or an address."""
    first = (getattr(person, "first_name", "") or "").strip()
    last = (getattr(person, "last_name", "") or "").strip()
    return " ".join(part for part in (last, first) if part)


def full_name_set(person, name: str) -> None:
    """Keep `name` as the one full name (not saved)."""
    person.first_name, person.last_name = " ".join(name.split()), ""


class FullNameFields(forms.Form):
    """One "full name" field in place of a user form's first and last names (mix it in before
    the model form: `class ProfileForm(FullNameFields, UserForm)`)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As you write it, family name first, e.g. Phạm Thị Mai."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)
        self.order_fields(["full_name"])
        if not self.is_bound:
            self.initial.setdefault("full_name", full_name(self.instance))

    def clean(self):
        cleaned = super().clean()
        full_name_set(self.instance, cleaned.get("full_name", ""))
        return cleaned


def given_name(person) -> str:
    """The name a person is called by, the last word of the full name ("Mai" for Phạm Thị Mai),
    '' when there is none: what the public may read of a buyer (on their reviews)."""
    words = full_name(person).split()
    return words[-1] if words else ""
