"""Who sees which entries of the dashboard menu (settings import this; no Django at import).

The answers come from ``shop.roles``; this module only shapes Oscar's menu."""

from shop.roles import menu_operators as operators
from shop.roles import menu_producers as producers

__all__ = ["for_operators", "operators", "producers"]


def for_operators(items: list[dict]) -> list[dict]:
    """Oscar's own menu entries, shown to operators only (see access.staff_only_dashboard)."""
    return [
        {
            **item,
            "access_fn": operators,
            **({"children": for_operators(item["children"])} if "children" in item else {}),
        }
        for item in items
    ]
