"""Set-up helpers the benchmarks run inside Django (through `manage.py shell`)."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from shop.sessions import SessionStore

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
    return f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"


def signed_in_session(user) -> str:
    """The key of a new session of `user`, signed in as a password login signs in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password login records (the first one only throttles and never signs in).
    session[BACKEND_SESSION_KEY] = "shop.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def page_paths() -> dict[str, str]:
    category = Category.objects.filter(depth=1).order_by("path").first()
    product = Product.objects.order_by("pk").first()
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": reverse("search:search") + "?q=mat+ong",
    }


def page_queries(cookie: str, paths: dict[str, str]) -> dict[str, dict[str, int]]:
    """Database queries per page, for an anonymous visitor and for the buyer of `cookie`
    ("name=value"): served from the page cache, and rendered with nothing cached (neither the
    page nor the buyer's state). Checks that the buyer's page is theirs: signed in, basket of
    two."""
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shop import pagecache

    name, value = cookie.split("=", 1)
    counts = {}
    for who in ("anonymous", "buyer+basket"):
        for page, path in paths.items():
            client = Client(HTTP_HOST="127.0.0.1")
            if who != "anonymous":
                client.cookies[name] = value
            row = {}
            pagecache.bump_generation()
            client.get(path)  # thumbnails and other lasting caches, as on a live floor
            for how in ("rendered", "served"):
                if how == "rendered":
                    pagecache.bump_generation()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{page} ({who}) answered {response.status_code}")
                html = response.content.decode()
                if who != "anonymous" and not (
                    reverse("customer:logout") in html and re.search(r'class="badge"[^>]*>2<', html)
                ):
                    raise SystemExit(f"{page} ({who}) is not the signed-in buyer's page")
                row[how] = len(captured)
            counts[f"{page} ({who})"] = row
    return counts
