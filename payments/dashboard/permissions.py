"""Who may use the payments pages of the dashboard.

Importable from settings (the dashboard menu names `operators_only`), so nothing here touches
Django at import time.
"""

# Oscar's permission syntax (see oscar.views.decorators.check_permissions): operators are staff.
OPERATORS = ["is_staff"]


def operators_only(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Oscar's dashboard menu hook: the payments entries are shown to operators only."""
    from oscar.views.decorators import check_permissions

    return check_permissions(user, OPERATORS)
