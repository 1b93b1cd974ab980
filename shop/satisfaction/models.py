"""The satisfaction index ("Chỉ số hài lòng"), one row per month and scope: the whole floor, a
producer, a province or a commune of origin. Rows are computed from orders, shipments, reviews
and complaints (`shop.satisfaction.services.month_compute`) and kept, so the public page reads
a few rows instead of aggregating the floor on every visit; a month is recomputed until it has
closed and settled (complaints opened in it are resolved or past their deadlines)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    FLOOR = "floor", _("The whole floor")
    PRODUCER = "producer", _("Producer")
    PROVINCE = "province", _("Province of origin")
    COMMUNE = "commune", _("Commune of origin")


class MonthlyFigures(models.Model):
    month = models.DateField(_("Month"))  # its first day
    scope = models.CharField(max_length=16, choices=Scope.choices)
    # The producer's id, the province's or the commune's code; 0 for the floor.
    key = models.PositiveIntegerField(default=0)

    orders = models.PositiveIntegerField(default=0)  # orders (or producers' parts) placed
    delivered = models.PositiveIntegerField(default=0)  # delivered shipments with a promise
    delivered_on_time = models.PositiveIntegerField(default=0)  # by the quoted date
    reviews = models.PositiveIntegerField(default=0)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)  # 1–5
    complaints = models.PositiveIntegerField(default=0)
    complaints_resolved = models.PositiveIntegerField(default=0)
    complaints_resolved_in_time = models.PositiveIntegerField(default=0)
    median_resolution_hours = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True
    )
    # Each dimension on 0–100 ({"access": 92.0, …}) and the composite index, when computable.
    dimensions = models.JSONField(default=dict)
    index = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    computed_at = models.DateTimeField()
    final = models.BooleanField(default=False)  # the month is closed and settled

    class Meta:
        ordering = ["scope", "key", "month"]
        constraints = [
            models.UniqueConstraint(fields=["month", "scope", "key"], name="one_figure_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope} {self.key}: {self.index}"
