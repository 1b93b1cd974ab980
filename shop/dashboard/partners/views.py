"""Oscar's producer (partner) page saves the name and story in both languages."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views import generic
from oscar.apps.dashboard.partners import views as oscar_views

from shop.dashboard.partners.forms import PARTNER_TEXT
from shop.translated import columns


class PartnerManageView(oscar_views.PartnerManageView):
    def get_initial(self):
        return {name: getattr(self.partner, name) for name in columns(*PARTNER_TEXT)}

    def form_valid(self, form):
        # Oscar's form_valid would save `partner.name` in the page's language: set the columns.
        for name, value in form.partner_values().items():
            setattr(self.partner, name, value)
        self.partner.save()
        messages.success(self.request, _("“%(name)s” is saved.") % {"name": self.partner.name})
        return generic.UpdateView.form_valid(self, form)
