"""Whatever a buyer or a producer writes in a review (title, text, the buyer's name, the
producer's answer) stays plain text on the product page and in its JSON-LD, for every XSS vector
of `tests.security.xss` (the sweep of tests/security/test_xss_vectors.py on review fields)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.ratings import helpers
from tests.security.conftest import HARMLESS, MARKER
from tests.security.xss import XSS_VECTORS, dangers, surviving

pytestmark = pytest.mark.django_db


def test_every_vector_stays_dead_in_a_review(settings):
    settings.PAGE_CACHE_SECONDS = 0
    honey = helpers.line_of(helpers.delivered_order(), "Mật ong")
    review = helpers.review(honey, photos=1)
    url = honey.product.get_absolute_url()

    def write(text: str) -> None:
        helpers.ProductReview.objects.filter(pk=review.pk).update(
            title=text[:255], body=text, answer=text
        )
        get_user_model().objects.filter(pk=review.user_id).update(first_name=f"Mai {text}"[:150])

    def render() -> str:
        response = Client().get(url)
        assert response.status_code == 200
        return response.content.decode()

    write(HARMLESS)
    page = render()
    assert MARKER in page
    baseline = dangers(page)
    survived = {}
    for vector in XSS_VECTORS:
        write(vector)
        extra = surviving(render(), baseline)
        if extra:
            survived[vector] = extra
    assert survived == {}
