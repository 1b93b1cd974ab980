"""Oscar's basket forms, with a name for every quantity box (the basket shows no label), and
a product without options asked for none when it is added."""

from django.utils.translation import gettext as _
from oscar.apps.basket import forms as oscar_forms


class BasketLineForm(oscar_forms.BasketLineForm):
    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        if self.instance.id:
            self.fields["quantity"].widget.attrs["aria-label"] = _("Quantity of %(product)s") % {
                "product": self.instance.description
            }


class AddToBasketForm(oscar_forms.AddToBasketForm):
    def cleaned_options(self):
        """Oscar's, without reading the options of a product known to have none."""
        if not self.parent_product.has_options:
            return []
        return super().cleaned_options()


class SimpleAddToBasketForm(oscar_forms.SimpleAddToBasketMixin, AddToBasketForm):
    """Oscar's, on this module's form (as Oscar asks of a fork that changes it)."""
