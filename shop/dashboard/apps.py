import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    """Forked so that its sub-apps' modules (`shop.dashboard.<sub-app>`) are found by get_class."""

    name = "shop.dashboard"
