"""Writes about addresses."""

from django.db import connection
from oscar.core.loading import get_model

from shop.db.rows import rows_insert_sql

# Vietnam, the one shipping country (also created by the address app's migration 0009).
VIETNAM = {
    "iso_3166_1_a3": "VNM",
    "iso_3166_1_numeric": "704",
    "printable_name": "Việt Nam",
    "name": "Việt Nam",
    "display_order": 10,
    "is_shipping_country": True,
}


def country_vietnam_ensure():
    """Vietnam as the shipping country, for a database emptied since its migration (the
    demo loader calls it)."""
    Country = get_model("address", "Country")
    country, _ = Country.objects.update_or_create(iso_3166_1_a2="VN", defaults=VIETNAM)
    return country


def address_book_use(*, user, address, counter: str) -> None:
    """`address` (of an order) in `user`'s address book, added if it is not there (a user's
    addresses are unique by hash) and its use counted in `counter`, in one statement: safe
    when two checkouts of one buyer save the same address at once."""
    UserAddress = get_model("address", "UserAddress")
    saved = UserAddress(user=user)
    address.populate_alternative_model(saved)
    saved.hash = saved.generate_hash()
    saved._update_search_text()
    setattr(saved, counter, 1)
    quote = connection.ops.quote_name
    table, count = quote(UserAddress._meta.db_table), quote(counter)
    sql, values = rows_insert_sql(
        [saved],
        using=connection.alias,
        suffix=f"ON CONFLICT ({quote('user_id')}, {quote('hash')}) "
        f"DO UPDATE SET {count} = {table}.{count} + 1",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
