"""Reviews from buyers who received the goods (Oscar's reviews, forked).

A review belongs to one delivered order line (`line`, unique): a buyer reviews a product once
per line they received, never without one (`shop.catalogue.reviews.services.review_create` is the
only way in). The producer answers once, in public; operators hide a review with a reason (the
author is told). Oscar's one-review-per-user-and-product rule is lifted: a buyer who bought the
honey twice may review each jar."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews.abstract_models import AbstractProductReview, AbstractVote
from oscar.core.loading import is_model_registered

MAX_PHOTOS = 3

if not is_model_registered("reviews", "ProductReview"):

    class ProductReview(AbstractProductReview):
        line = models.OneToOneField(
            "order.Line",
            verbose_name=_("Order line"),
            related_name="review",
            null=True,  # Oscar's rows from before; every new review has its line
            on_delete=models.PROTECT,
        )
        partner = models.ForeignKey(
            "partner.Partner",
            verbose_name=_("Producer"),
            related_name="reviews",
            null=True,
            on_delete=models.PROTECT,
        )
        purchased_at = models.DateTimeField(_("Bought"), null=True)  # shown as its month
        language = models.CharField(max_length=8, default="vi")
        # The producer's one public answer.
        answer = models.TextField(_("The producer's answer"), blank=True)
        answered_at = models.DateTimeField(null=True, blank=True)
        answered_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            related_name="+",
            null=True,
            blank=True,
            on_delete=models.SET_NULL,
        )
        # An operator's moderation: status REJECTED, with the reason the author is told.
        hidden_reason = models.CharField(_("Why it is hidden"), max_length=255, blank=True)
        hidden_at = models.DateTimeField(null=True, blank=True)
        hidden_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            related_name="+",
            null=True,
            blank=True,
            on_delete=models.SET_NULL,
        )

        class Meta(AbstractProductReview.Meta):
            app_label = "reviews"
            unique_together = ()
            ordering = ["-date_created", "-id"]
            constraints = [
                models.CheckConstraint(
                    condition=models.Q(score__gte=1, score__lte=5), name="review_score_1_to_5"
                ),
            ]
            indexes = [models.Index(fields=["partner", "status"], name="review_partner_status")]

        def save(self, *args, **kwargs):
            # Oscar recomputes the product's rating on every save; the services do it (with the
            # count and the producer's figures) where a review is created, answered or hidden.
            models.Model.save(self, *args, **kwargs)


if not is_model_registered("reviews", "ReviewPhoto"):

    class ReviewPhoto(models.Model):
        """A photo with a review: checked by content and re-encoded on the way in
        (`shop.uploads.files.upload_clean`, `image_reencode`); public, like the review."""

        review = models.ForeignKey(ProductReview, related_name="photos", on_delete=models.CASCADE)
        image = models.ImageField(_("Photo"), upload_to="reviews/%Y/%m/", max_length=255)
        position = models.PositiveSmallIntegerField(
            default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_PHOTOS - 1)]
        )

        class Meta:
            app_label = "reviews"
            ordering = ["review_id", "position"]
            constraints = [
                models.UniqueConstraint(fields=["review", "position"], name="one_photo_per_slot")
            ]

        def __str__(self) -> str:
            return f"{self.review_id}/{self.position}"


if not is_model_registered("reviews", "Vote"):

    class Vote(AbstractVote):
        pass
