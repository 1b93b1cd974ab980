"""The rules of reviews, enforced by the services: only a buyer who received the line, once;
the producer answers once; operators hide with a reason and the author is told."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model

from shop.catalogue.reviews import services
from shop.catalogue.reviews.services import ReviewRefused
from tests import factories
from tests.fulfilment.cod_helpers import buyer
from tests.reviews.helpers import not_an_image, png, sent_mail, world

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")
ReviewPhoto = get_model("reviews", "ReviewPhoto")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


@pytest.fixture
def w(client):
    return world(client)


def _review(w, **overrides):
    values = {
        "line": w.honey_line,
        "user": w.buyer,
        "score": 4,
        "title": "Thơm",
        "body": "Mật ong thơm, đặc.",
    }
    return services.review_create(**(values | overrides))


def _refused(code, **kwargs):
    with pytest.raises(ReviewRefused) as caught:
        kwargs.pop("call")(**kwargs)
    assert caught.value.code == code, caught.value.messages
    assert caught.value.messages[0]  # a message for the person
    return caught.value


def test_a_buyer_reviews_a_delivered_line_and_the_ratings_follow(w):
    review = _review(w, body="  Mật ong thơm,\x00 đặc.\r\n\r\n\r\n\r\nSẽ mua lại.  ")
    assert review.status == ProductReview.APPROVED
    assert review.line_id == w.honey_line.pk
    assert review.partner_id == w.honey.partner_id
    assert review.purchased_at == w.order.date_placed
    assert review.body == "Mật ong thơm, đặc.\n\nSẽ mua lại."
    product = Product.objects.get(pk=w.honey_line.product_id)
    partner = Partner.objects.get(pk=w.honey.partner_id)
    assert (float(product.rating), product.reviews_count) == (4.0, 1)
    assert (float(partner.rating), partner.reviews_count) == (4.0, 1)


def test_someone_who_did_not_buy_the_line_is_refused(w):
    stranger = buyer("lan")
    _refused("not_your_line", call=_review, w=w, user=stranger)
    _refused("anonymous", call=_review, w=w, user=AnonymousUser())
    producer = w.honey_user  # even the producer cannot review its own product
    _refused("not_your_line", call=_review, w=w, user=producer)
    assert not ProductReview.objects.exists()


def test_a_line_not_delivered_yet_cannot_be_reviewed(w):
    _refused("not_delivered", call=_review, w=w, line=w.tea_line)
    assert not ProductReview.objects.exists()


def test_a_line_is_reviewed_once(w):
    _review(w)
    _refused("already_reviewed", call=_review, w=w, score=1)
    assert ProductReview.objects.count() == 1
    assert Product.objects.get(pk=w.honey_line.product_id).reviews_count == 1


@pytest.mark.parametrize("score", [0, 6, -1, "x", None, "3.5"])
def test_the_score_is_one_to_five_stars(w, score):
    _refused("score", call=_review, w=w, score=score)


def test_text_is_required_and_bounded(w):
    _refused("empty", call=_review, w=w, body=" \n\t ")
    _refused("too_long", call=_review, w=w, body="a" * (services.BODY_MAX + 1))
    _refused("too_long", call=_review, w=w, title="a" * (services.TITLE_MAX + 1))
    assert not ProductReview.objects.exists()


def test_markup_is_kept_as_plain_text(w):
    review = _review(w, body='<script>alert("x")</script> ngon')
    assert review.body == '<script>alert("x")</script> ngon'  # escaped where it is shown


def test_photos_are_checked_by_content_and_reencoded(w):
    review = _review(w, photos=[png("a.png"), png("b.png")])
    photos = list(review.photos.all())
    assert [p.position for p in photos] == [0, 1]
    stored = photos[0].image
    assert stored.name.startswith("reviews/") and stored.name.rsplit("/", 1)[1] != "a.png"
    with stored.open("rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(w):
    with pytest.raises(ValidationError) as caught:
        _review(w, photos=[png(), not_an_image("anh.jpg")])
    assert "anh.jpg" in caught.value.messages[0]
    assert not ProductReview.objects.exists()
    assert not ReviewPhoto.objects.exists()


def test_at_most_three_photos(w):
    _refused("too_many_photos", call=_review, w=w, photos=[png(f"{i}.png") for i in range(4)])
    assert not ProductReview.objects.exists()


def test_the_producer_answers_once(w):
    review = _review(w)
    services.review_answer(
        review=review, partner=w.honey.partner, user=w.honey_user, text=" Cảm ơn "
    )
    review.refresh_from_db()
    assert (review.answer, review.answered_by) == ("Cảm ơn", w.honey_user)
    assert review.answered_at is not None
    [email] = sent_mail()  # the author reads the answer
    assert email.to == [w.buyer.email]
    assert "Cảm ơn" in email.body and w.honey.partner.name in email.subject
    _refused(
        "answered",
        call=services.review_answer,
        review=review,
        partner=w.honey.partner,
        user=w.honey_user,
        text="Lần hai",
    )
    review.refresh_from_db()
    assert review.answer == "Cảm ơn"
    assert sent_mail() == []


def test_the_wrong_producer_cannot_answer(w):
    review = _review(w)
    # Another producer, with its own partner: the review is not of its products.
    _refused(
        "not_producer",
        call=services.review_answer,
        review=review,
        partner=w.tea.partner,
        user=w.tea_user,
        text="Xin chào",
    )
    # Another producer's user claiming the honey producer.
    _refused(
        "not_producer",
        call=services.review_answer,
        review=review,
        partner=w.honey.partner,
        user=w.tea_user,
        text="Xin chào",
    )
    # The buyer.
    _refused(
        "not_producer",
        call=services.review_answer,
        review=review,
        partner=w.honey.partner,
        user=w.buyer,
        text="Xin chào",
    )
    _refused(
        "empty",
        call=services.review_answer,
        review=review,
        partner=w.honey.partner,
        user=w.honey_user,
        text="   ",
    )
    review.refresh_from_db()
    assert review.answered_at is None and review.answer == ""


def test_operators_hide_with_a_reason_the_author_is_told_and_the_rating_drops(w):
    operator = factories.operator()
    review = _review(w, score=1)
    _refused(
        "not_operator", call=services.review_hide, review=review, actor=w.honey_user, reason="x"
    )
    _refused("no_reason", call=services.review_hide, review=review, actor=operator, reason=" ")
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED

    services.review_hide(review=review, actor=operator, reason="Lời lẽ xúc phạm")
    review.refresh_from_db()
    assert review.status == ProductReview.REJECTED
    assert (review.hidden_reason, review.hidden_by) == ("Lời lẽ xúc phạm", operator)
    product = Product.objects.get(pk=review.product_id)
    assert (product.rating, product.reviews_count) == (None, 0)
    assert ProductReview.objects.approved().count() == 0

    emails = sent_mail()
    assert [e.to for e in emails] == [[w.buyer.email]]
    assert "Lời lẽ xúc phạm" in emails[0].body
    assert "ẩn" in emails[0].subject  # Vietnamese: the site's language for this account

    _refused("hidden", call=services.review_hide, review=review, actor=operator, reason="again")
    _refused(
        "hidden",
        call=services.review_answer,
        review=review,
        partner=w.honey.partner,
        user=w.honey_user,
        text="Cảm ơn",
    )

    _refused("not_operator", call=services.review_show, review=review, actor=w.buyer)
    services.review_show(review=review, actor=operator)
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED and review.hidden_reason == ""
    product.refresh_from_db()
    assert (float(product.rating), product.reviews_count) == (1.0, 1)
    assert sent_mail() == []  # showing again sends nothing
    _refused("shown", call=services.review_show, review=review, actor=operator)


def test_with_moderation_first_a_review_counts_once_an_operator_publishes_it(w, settings):
    settings.OSCAR_MODERATE_REVIEWS = True
    review = _review(w, score=5)
    assert review.status == ProductReview.FOR_MODERATION
    product = Product.objects.get(pk=review.product_id)
    assert product.reviews_count == 0
    services.review_show(review=review, actor=factories.operator())
    product.refresh_from_db()
    assert (float(product.rating), product.reviews_count) == (5.0, 1)
