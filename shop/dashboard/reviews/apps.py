from django.urls import path
from oscar.apps.dashboard.reviews import apps
from oscar.core.loading import get_class


class ReviewsDashboardConfig(apps.ReviewsDashboardConfig):
    """Oscar's reviews dashboard, replaced by the operators' moderation: hide a review with a
    reason (its author is told) or show it again, through the reviews' services (the ratings
    follow). Oscar's editing and deleting of a buyer's words are gone."""

    name = "shop.dashboard.reviews"

    def configure_permissions(self):
        self.permissions_map = {}  # default_permissions: staff; the views ask shop.roles too

    def ready(self):
        self.list_view = get_class("dashboard.reviews.views", "moderation_list")
        self.update_view = get_class("dashboard.reviews.views", "moderation_detail")
        self.configure_permissions()

    def get_urls(self):
        urls = [
            path("", self.list_view, name="reviews-list"),
            path("<int:pk>/", self.update_view, name="reviews-update"),
        ]
        return self.post_process_urls(urls)
