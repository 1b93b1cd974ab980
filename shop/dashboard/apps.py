from oscar.apps.dashboard import apps


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, forked so that its catalogue forms check uploaded images and its
    sub-apps' modules (`shop.dashboard.<sub-app>`: the CSV downloads) are found by get_class."""

    name = "shop.dashboard"
