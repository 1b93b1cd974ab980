"""Oscar's basket forms, with a name for every quantity box (the basket shows no label)."""

from django.utils.translation import gettext as _
from oscar.apps.basket import forms as oscar_forms


class BasketLineForm(oscar_forms.BasketLineForm):
    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        if self.instance.id:
            self.fields["quantity"].widget.attrs["aria-label"] = _("Quantity of %(product)s") % {
                "product": self.instance.description
            }
