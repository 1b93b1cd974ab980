from oscar.apps.customer.forms import EmailUserCreationForm as OscarEmailUserCreationForm
from oscar.apps.customer.forms import UserForm

from shop.people import FullNameFields
from shop.privacy.forms import ConsentFieldsMixin


class ProfileForm(FullNameFields, UserForm):
    """The buyer's profile: one full name (shop/people.py) and the e-mail."""


class EmailUserCreationForm(ConsentFieldsMixin, OscarEmailUserCreationForm):
    """Oscar's, with the consent to keep an account (given by registering, its words shown)
    and to news of followed producers (optional), recorded by shop.customer.mixins."""

    consents = {"account": True, "news": False}
