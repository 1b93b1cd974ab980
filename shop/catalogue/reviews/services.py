"""Reviews: the only way in, and the figures they feed (a product's and a producer's rating)."""

from django.db.models import Avg, Count
from oscar.core.loading import get_model

from shop import pagecache

ProductReview = get_model("reviews", "ProductReview")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


def ratings_refresh(*, product_id: int | None, partner_id: int | None) -> None:
    """Recompute the average score and count of the approved reviews of a product and of its
    producer, in the caller's transaction (after a review is created, hidden or shown again).
    Cached pages show the new figures (and the review) from then on."""
    approved = ProductReview.objects.filter(status=ProductReview.APPROVED)
    if product_id is not None:
        figures = approved.filter(product_id=product_id).aggregate(
            rating=Avg("score"), count=Count("pk")
        )
        Product.objects.filter(pk=product_id).update(
            rating=figures["rating"], reviews_count=figures["count"]
        )
    if partner_id is not None:
        figures = approved.filter(partner_id=partner_id).aggregate(
            rating=Avg("score"), count=Count("pk")
        )
        Partner.objects.filter(pk=partner_id).update(
            rating=figures["rating"], reviews_count=figures["count"]
        )
    pagecache.bump_generation_now_and_on_commit()
