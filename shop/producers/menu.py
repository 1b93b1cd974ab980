"""Who sees which entries of the dashboard menu (settings import this; no Django at import)."""


def producers(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """The producer's own pages: producers, and operators (who act on a producer's behalf)."""
    from shop.producers.access import producer_of

    return user.is_staff or producer_of(user) is not None


def operators(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_staff


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
