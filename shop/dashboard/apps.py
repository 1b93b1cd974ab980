from oscar.apps.dashboard import apps


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, forked so that its catalogue forms check uploaded images."""

    name = "shop.dashboard"
