"""The review pages: the buyer's order page and form, the producer's answers, the operators'
moderation. Bad input gets a clear message and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.catalogue.reviews import selectors, services
from tests import factories
from tests.fulfilment.cod_helpers import buyer
from tests.reviews.helpers import not_an_image, png, sent_mail, world

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")


@pytest.fixture
def w(client):
    return world(client)


def add_url(line, *, with_line=True):
    url = reverse(
        "catalogue:reviews-add",
        kwargs={"product_slug": line.product.slug, "product_pk": line.product_id},
    )
    return f"{url}?line={line.pk}" if with_line else url


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _review(w, **overrides):
    values = {"line": w.honey_line, "user": w.buyer, "score": 4, "body": "Mật ong thơm"}
    return services.review_create(**(values | overrides))


def test_the_order_page_offers_a_review_on_delivered_lines_then_says_reviewed(w):
    client = signed_in(w.buyer)
    order_url = reverse("customer:order", kwargs={"order_number": w.order.number})
    page = client.get(order_url).content.decode()
    assert add_url(w.honey_line) in page
    assert f"?line={w.tea_line.pk}" not in page  # not delivered yet
    assert "Đã đánh giá" not in page
    _review(w)
    page = client.get(order_url).content.decode()
    assert add_url(w.honey_line) not in page
    assert "Đã đánh giá" in page


def test_the_order_page_asks_one_query_for_every_line(w, django_assert_num_queries):
    with django_assert_num_queries(1):
        states = selectors.order_review_states(order=w.order)
    assert states == {w.honey_line.pk: selectors.REVIEWABLE}


def test_the_buyer_reviews_with_stars_text_and_a_photo(w):
    client = signed_in(w.buyer)
    page = client.get(add_url(w.honey_line)).content.decode()
    assert page.count('type="radio" name="score"') == 5
    assert "<legend" in page and 'enctype="multipart/form-data"' in page
    response = client.post(
        add_url(w.honey_line),
        {"line": w.honey_line.pk, "score": "5", "title": "", "body": "Ngon", "photos": [png()]},
    )
    assert response.status_code == 302
    assert response.url == reverse("customer:order", kwargs={"order_number": w.order.number})
    review = ProductReview.objects.get()
    assert (review.score, review.body, review.user, review.photos.count()) == (
        5,
        "Ngon",
        w.buyer,
        1,
    )
    # The form does not come back for the same line.
    response = client.get(add_url(w.honey_line))
    assert response.status_code == 302
    assert response.url == w.honey_line.product.get_absolute_url()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "", "body": "Ngon"}, "Hãy chọn từ 1 đến 5 sao."),
        ({"score": "9", "body": "Ngon"}, "Hãy chọn"),
        ({"score": "4", "body": "   "}, "Hãy viết vài dòng về sản phẩm."),
        ({"score": "4", "body": "Ngon", "photos": [not_an_image("anh.jpg")]}, "anh.jpg"),
        ({"score": "4", "body": "Ngon", "photos": [png(f"{i}.png") for i in range(4)]}, "tối đa 3"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(w, data, message):
    client = signed_in(w.buyer)
    response = client.post(add_url(w.honey_line), {"line": w.honey_line.pk, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProductReview.objects.exists()


def test_someone_else_or_an_undelivered_line_is_sent_back_to_the_product(w):
    product_url = w.honey_line.product.get_absolute_url()
    stranger = signed_in(buyer("lan"))
    for response in (
        stranger.get(add_url(w.honey_line)),
        stranger.post(add_url(w.honey_line), {"line": w.honey_line.pk, "score": 5, "body": "x"}),
        stranger.get(add_url(w.honey_line, with_line=False)),
        signed_in(w.buyer).get(add_url(w.tea_line)),
        signed_in(w.buyer).get(add_url(w.honey_line) + "x"),
    ):
        assert response.status_code == 302
        assert response.url in (product_url, w.tea_line.product.get_absolute_url())
    assert not ProductReview.objects.exists()
    anonymous = Client().get(add_url(w.honey_line))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_without_a_line_the_buyer_s_one_reviewable_line_is_chosen(w):
    page = signed_in(w.buyer).get(add_url(w.honey_line, with_line=False))
    assert page.status_code == 200
    assert f'name="line" value="{w.honey_line.pk}"' in page.content.decode()


def test_the_producer_reads_its_own_reviews_and_answers_once(w):
    review = _review(w, body="Mật ong thơm, giao nhanh")
    honey, tea = signed_in(w.honey_user), signed_in(w.tea_user)
    url = reverse("producer-reviews:list")
    assert "Mật ong thơm, giao nhanh" in honey.get(url).content.decode()
    assert "Mật ong thơm, giao nhanh" not in tea.get(url).content.decode()

    answer = reverse("producer-reviews:answer", kwargs={"pk": review.pk})
    assert tea.post(answer, {"text": "Không phải của tôi"}).status_code == 404
    assert buyer_post_is_refused(w, answer)
    empty = honey.post(answer, {"text": ""})
    assert empty.status_code == 400 and "Hãy viết phản hồi của bạn." in empty.content.decode()
    assert honey.post(answer, {"text": "Cảm ơn bạn!"}).status_code == 302
    again = honey.post(answer, {"text": "Lần hai"})
    assert again.status_code == 400
    assert "Đánh giá này đã được phản hồi rồi." in again.content.decode()
    review.refresh_from_db()
    assert review.answer == "Cảm ơn bạn!"
    assert "Cảm ơn bạn!" in honey.get(url).content.decode()


def buyer_post_is_refused(w, url) -> bool:
    return signed_in(w.buyer).post(url, {"text": "x"}).status_code == 403


def test_operators_hide_with_a_reason_and_show_again(w):
    review = _review(w, title="Tệ quá")
    operator = signed_in(factories.operator())
    assert "Tệ quá" in operator.get(reverse("dashboard:reviews-list")).content.decode()
    detail = reverse("dashboard:reviews-update", kwargs={"pk": review.pk})
    assert operator.get(detail).status_code == 200

    no_reason = operator.post(detail, {"action": "hide", "reason": ""})
    assert no_reason.status_code == 400
    assert "Hãy ghi lý do ẩn đánh giá." in no_reason.content.decode()
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED

    assert operator.post(detail, {"action": "hide", "reason": "Quảng cáo"}).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.hidden_reason) == (ProductReview.REJECTED, "Quảng cáo")
    assert [m.to for m in sent_mail()] == [[w.buyer.email]]
    public = reverse(
        "catalogue:reviews-detail",
        kwargs={
            "product_slug": review.product.slug,
            "product_pk": review.product_id,
            "pk": review.pk,
        },
    )
    assert Client().get(public).status_code == 404
    hidden_list = operator.get(reverse("dashboard:reviews-list") + "?status=hidden")
    assert "Tệ quá" in hidden_list.content.decode()

    assert operator.post(detail, {"action": "show"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED
    assert Client().get(public).status_code == 200


def test_moderation_is_for_operators_only(w):
    review = _review(w)
    detail = reverse("dashboard:reviews-update", kwargs={"pk": review.pk})
    for user in (w.honey_user, w.buyer):
        client = signed_in(user)
        assert client.get(reverse("dashboard:reviews-list")).status_code == 403
        assert client.post(detail, {"action": "hide", "reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED


def test_oscar_s_public_list_and_votes_know_only_shown_reviews(w):
    shown = _review(w, title="Thơm ngon")
    kwargs = {"product_slug": shown.product.slug, "product_pk": shown.product_id}
    listing = Client().get(reverse("catalogue:reviews-list", kwargs=kwargs))
    assert listing.status_code == 200 and "Thơm ngon" in listing.content.decode()
    services.review_hide(review=shown, actor=factories.operator(), reason="Spam")
    listing = Client().get(reverse("catalogue:reviews-list", kwargs=kwargs))
    assert "Thơm ngon" not in listing.content.decode()
    vote = reverse("catalogue:reviews-vote", kwargs={**kwargs, "pk": shown.pk})
    assert signed_in(buyer("lan")).post(vote, {"delta": 1}).status_code == 404
