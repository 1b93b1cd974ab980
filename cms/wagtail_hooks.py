from django.urls import reverse
from oscar.core.loading import get_model
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder, register_admin_url_finder

from cms.choosers import producer_chooser, product_chooser

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


@hooks.register("register_admin_viewset")
def register_choosers():
    return [product_chooser, producer_chooser]


class ProductDashboardURLFinder(ModelAdminURLFinder):
    """Products are edited in Oscar's dashboard; the chooser's "edit" link goes there."""

    def construct_edit_url(self, instance):
        return reverse("dashboard:catalogue-product", kwargs={"pk": instance.pk})


class ProducerDashboardURLFinder(ModelAdminURLFinder):
    def construct_edit_url(self, instance):
        return reverse("dashboard:partner-manage", kwargs={"pk": instance.pk})


register_admin_url_finder(Product, ProductDashboardURLFinder)
register_admin_url_finder(Partner, ProducerDashboardURLFinder)
