from oscar.apps.customer.forms import UserForm

from shop.people import FullNameFields


class ProfileForm(FullNameFields, UserForm):
    """The buyer's profile: one full name (shop/people.py) and the e-mail."""
