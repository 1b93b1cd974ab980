"""Yêu thích: each buyer has one list (Oscar's wish list, private), and a product is in it or
not; only products buyers can see can go in."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

WishList = get_model("wishlists", "WishList")
Line = get_model("wishlists", "Line")
Product = get_model("catalogue", "Product")


def wishable(product) -> bool:
    """A product a buyer may keep: public, browsable, from a public producer (or none)."""
    return (
        Product.objects.browsable()
        .filter(Q(producer__isnull=True) | Q(producer__is_public=True), pk=product.pk)
        .exists()
    )


def wishlist_default(*, user) -> WishList:
    """The buyer's list (their first), made private on first use."""
    with transaction.atomic():
        # Two first hearts at once make one list, not two.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        wishlist = WishList.objects.filter(owner=user).order_by("pk").first()
        if wishlist is None:
            wishlist = WishList.objects.create(
                owner=user, name=_("Favourites"), visibility=WishList.PRIVATE
            )
        return wishlist


def wishlist_product_set(*, user, product, wanted: bool) -> bool:
    """Put `product` in `user`'s favourites (`wanted`) or take it out; the same request twice
    changes nothing. Returns whether anything changed."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to keep your favourites."))
    if not wanted:
        deleted, _rows = Line.objects.filter(wishlist__owner=user, product=product).delete()
        return bool(deleted)
    if not wishable(product):
        raise ValidationError(_("This product is not on sale here."))
    wishlist = wishlist_default(user=user)
    try:
        with transaction.atomic():
            _line, created = Line.objects.get_or_create(
                wishlist=wishlist, product=product, defaults={"title": product.get_title()[:255]}
            )
    except IntegrityError:  # the same click twice at once
        return False
    return created


def wishlist_line_remove(*, user, line_pk: int) -> bool:
    """Take a line (a product no longer on sale, kept by its title) out of `user`'s list."""
    deleted, _rows = Line.objects.filter(pk=line_pk, wishlist__owner=user).delete()
    return bool(deleted)
