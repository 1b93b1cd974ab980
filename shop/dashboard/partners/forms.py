from oscar.apps.dashboard.partners import forms

from shop.people import FullNameFields


class NewUserForm(FullNameFields, forms.NewUserForm):
    """A producer's new user: one full name (shop/people.py), the e-mail and a password."""


class ExistingUserForm(FullNameFields, forms.ExistingUserForm):
    """A producer's user: one full name (shop/people.py), the role and an optional password."""
