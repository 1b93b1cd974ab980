"""Listings waiting for an operator: new products, and changes producers make to live ones.

Price and stock changes go live at once. Everything else a buyer reads on the product page
(name, description, images, origin, certificates, the specialty facts) waits here until an
operator approves it, so nothing unreviewed reaches buyers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ListingChange(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New product")
        CHANGE = "change", _("Changes to a product")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey(
        "catalogue.Product", related_name="listing_changes", on_delete=models.CASCADE
    )
    partner = models.ForeignKey(
        "partner.Partner", related_name="listing_changes", on_delete=models.PROTECT
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # The proposed values of reviewed fields, as form data (strings, ids, codes).
    proposed = models.JSONField(default=dict, blank=True)
    remove_image_ids = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    submitted_on_behalf = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="pending"),
                name="one_pending_listing_change_per_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.kind} {self.status}"


class ListingChangeImage(models.Model):
    """An image a producer added, shown to buyers only once the change is approved."""

    change = models.ForeignKey(ListingChange, related_name="new_images", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="listing-changes/%Y/%m/", max_length=255)
    caption = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.image.name
