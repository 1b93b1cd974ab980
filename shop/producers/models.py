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


class ListingTakedown(models.Model):
    """An operator took a live listing off the floor (Decree 52/2013/NĐ-CP as amended by Decree
    85/2021/NĐ-CP: the floor removes goods that break the law or its regulations).

    The product is hidden from buyers at once and only an operator can put it back, with a
    reason too. Records are kept: who took it down, when and why; who restored it, when and why.
    """

    product = models.ForeignKey(
        "catalogue.Product",
        related_name="takedowns",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    partner = models.ForeignKey(
        "partner.Partner", related_name="takedowns", on_delete=models.PROTECT
    )
    # The product's name when it was taken down, kept should the product be deleted.
    product_title = models.CharField(max_length=255)
    reason = models.TextField(_("Reason"))
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    taken_down_at = models.DateTimeField(_("Taken down at"))
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    restored_at = models.DateTimeField(_("Restored at"), null=True, blank=True)
    restore_reason = models.TextField(_("Reason for restoring"), blank=True)

    class Meta:
        ordering = ["-taken_down_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(restored_at__isnull=True),
                name="one_active_takedown_per_product",
            ),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | ~Q(restore_reason=""),
                name="takedown_restored_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_title}: {self.taken_down_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.restored_at is None
