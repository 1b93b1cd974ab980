"""How a rating reads: one decimal, half up, in the page's language; whole stars drawn; the
sentence a screen reader says; the given name of a reviewer."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from shop import people
from shop.catalogue import ratings


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [(4.65, "4,7", "4.7"), (4.649, "4,6", "4.6"), (5.0, "5,0", "5.0"), (3, "3", "3")],
)
def test_a_rating_reads_in_the_pages_language(value, vi, en):
    with translation.override("vi"):
        assert ratings.rating_shown(value) == vi
    with translation.override("en"):
        assert ratings.rating_shown(value) == en


@pytest.mark.parametrize(("value", "stars"), [(1.0, 1), (4.4, 4), (4.5, 5), (2.49, 2), (5, 5)])
def test_stars_drawn_are_the_nearest_whole(value, stars):
    assert ratings.stars_filled(value) == stars


def test_the_sentence_for_screen_readers():
    with translation.override("vi"):
        assert ratings.rating_sentence(4.6, 12) == "4,6 trên 5 sao, 12 đánh giá"
        assert ratings.rating_sentence(5) == "5 trên 5 sao"
    with translation.override("en"):
        assert ratings.rating_sentence(4.6, 1) == "4.6 out of 5 stars, 1 review"
        assert ratings.rating_sentence(4.6, 12) == "4.6 out of 5 stars, 12 reviews"


@pytest.mark.parametrize(
    ("first", "last", "given"),
    [
        ("Phạm Thị Mai", "", "Mai"),  # the full name, as accounts keep it
        ("Mai", "Phạm Thị", "Mai"),  # the old split
        ("", "", ""),
    ],
)
def test_a_reviewer_is_named_by_their_given_name(first, last, given):
    assert people.given_name(SimpleNamespace(first_name=first, last_name=last)) == given
