"""How ratings read on public pages: stars drawn for the eye, one sentence for screen readers
("4,6 trên 5 sao, 12 đánh giá"), and who wrote a review (given name only)."""

from django import template

from shop.catalogue import ratings

register = template.Library()


@register.inclusion_tag("reviews/partials/stars.html")
def rating_stars(value, count=None, *, compact=True) -> dict:
    """Stars for an average (`count` reviews) or for one review's score (no `count`).
    `compact` shows the count as "(12)", else as "12 reviews"."""
    if value is None:
        return {"value": None}
    filled = ratings.stars_filled(value)
    return {
        "value": ratings.rating_shown(value),
        "count": count,
        "compact": compact,
        "on": range(filled),
        "off": range(5 - filled),
        "sentence": ratings.rating_sentence(value, count),
    }


@register.filter
def reviewer(review) -> str:
    """Who wrote `review`, as the public may read it: their given name, or "Verified buyer"."""
    return ratings.review_author(review)
