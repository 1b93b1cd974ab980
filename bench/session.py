"""Set-up helpers the benchmarks run inside Django (through `manage.py shell`)."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.urls import reverse
from oscar.core.loading import get_class, get_model

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


def buyer_with_basket() -> str:
    """A logged-in buyer's session cookie, with two products in the buyer's basket."""
    user = get_user_model().objects.get(email="buyer@chophien.test")
    basket, _ = Basket.open.get_or_create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product in Product.objects.order_by("pk")[:2]:
        basket.add_product(product, 1)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password login records (the first one only throttles and never signs in).
    session[BACKEND_SESSION_KEY] = "oscar.apps.customer.auth_backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def page_paths() -> dict[str, str]:
    category = Category.objects.filter(depth=1).order_by("path").first()
    product = Product.objects.order_by("pk").first()
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": reverse("search:search") + "?q=mat+ong",
    }
