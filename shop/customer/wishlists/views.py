"""Oscar's wish lists, restricted to one private list per buyer ("Yêu thích"): the heart on
product cards and pages posts here, the account's page shows the list and the producers the
buyer follows. Oscar's pages for making, renaming, sharing and moving between lists lead to
that page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_class, get_model

from shop.customer.wishlists import selectors, services
from shop.partner import selectors as follows

PageTitleMixin = get_class("customer.mixins", "PageTitleMixin")
Product = get_model("catalogue", "Product")


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class WishListListView(PageTitleMixin, TemplateView):
    """Yêu thích: the buyer's favourite products and the producers they follow."""

    template_name = "oscar/customer/wishlists/wishlists_list.html"
    page_title = gettext_lazy("Favourites")
    active_tab = "wishlists"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["products"] = list(selectors.wishlist_products(user=user))
        context["gone"] = list(selectors.wishlist_gone(user=user))
        context["follows"] = list(follows.follows_of(user=user))
        return context


class WishListAddProduct(View):
    """The heart: ``wanted=1`` puts the product in the buyer's favourites, ``wanted=0`` takes
    it out. A visitor who had to sign in first comes back here by GET and is shown the
    product's page (nothing is written on a GET)."""

    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(Product, pk=kwargs["product_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.product.get_absolute_url())

    def post(self, request, *args, **kwargs):
        wanted = request.POST.get("wanted")
        title = self.product.get_title()
        if wanted not in ("0", "1"):
            messages.error(request, _("Choose whether to keep this product in your favourites."))
            return redirect(_back(request, self.product.get_absolute_url()))
        try:
            services.wishlist_product_set(
                user=request.user, product=self.product, wanted=wanted == "1"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if wanted == "1":
                messages.success(
                    request, _("“%(title)s” is in your favourites.") % {"title": title}
                )
            else:
                messages.success(
                    request, _("“%(title)s” is no longer in your favourites.") % {"title": title}
                )
        return redirect(_back(request, self.product.get_absolute_url()))


class _ToFavourites(View):
    """One list per buyer: Oscar's pages for several lists lead to it."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("customer:wishlists-list")


class WishListDetailView(_ToFavourites):
    pass


class WishListCreateView(_ToFavourites):
    pass


class WishListCreateWithProductView(_ToFavourites):
    pass


class WishListUpdateView(_ToFavourites):
    pass


class WishListDeleteView(_ToFavourites):
    pass


class WishListMoveProductToAnotherWishList(_ToFavourites):
    pass


class WishListRemoveProduct(View):
    """Oscar's remove link: POST takes the product out (GET shows the list)."""

    def get(self, request, *args, **kwargs):
        return redirect("customer:wishlists-list")

    def post(self, request, *args, **kwargs):
        product_pk = kwargs.get("product_pk")
        if product_pk is None:
            if not services.wishlist_line_remove(user=request.user, line_pk=kwargs["line_pk"]):
                raise Http404
        else:
            product = get_object_or_404(Product, pk=product_pk)
            services.wishlist_product_set(user=request.user, product=product, wanted=False)
        messages.success(request, _("Removed from your favourites."))
        return redirect("customer:wishlists-list")
