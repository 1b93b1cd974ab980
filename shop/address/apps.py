from django.db.models.signals import post_delete, post_save
from oscar.apps.address import apps


class AddressConfig(apps.AddressConfig):
    name = "shop.address"

    def ready(self):
        super().ready()
        from shop.address.selectors import countries_forget

        Country = self.get_model("Country")
        post_save.connect(countries_forget, sender=Country, dispatch_uid="countries_forget")
        post_delete.connect(countries_forget, sender=Country, dispatch_uid="countries_forget_d")
