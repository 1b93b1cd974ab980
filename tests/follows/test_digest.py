"""A followed producer's news (a new product approved, a season opening) reaches each follower
in one e-mail at most every FOLLOW_DIGEST_DAYS, in their language, with a link to stop."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from shop.accounts.models import Profile
from shop.outbox.services import outbox_drain
from shop.partner import services
from shop.partner.models import Follow, FollowDigest, FollowNews
from shop.producers import services as producers
from tests import factories

pytestmark = pytest.mark.django_db
StockRecord = factories.StockRecord


def follower(name="lan", language="vi"):
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-123456789")
    Profile.objects.update_or_create(user=user, defaults={"language": language})
    return user


def following(user, partner, *, at):
    follow = services.follow_start(user=user, partner=partner)
    Follow.objects.filter(pk=follow.pk).update(created_at=at)
    return follow


def news(product, *, at, kind=FollowNews.Kind.SEASON):
    return FollowNews.objects.create(
        partner=product.producer, product=product, kind=kind, created_at=at
    )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the hourly task at `now`; the e-mails it sent."""

    def run(now) -> list:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            services.follow_digests_send(now=now)
        outbox_drain(inline=True)
        return mail.outbox[before:]

    return run


def test_at_most_one_email_per_week_with_only_what_is_new(sent):
    start = timezone.now() - timedelta(days=30)
    maker = factories.producer(name="HTX Tả Van")
    tea, honey = (
        factories.product("Chè Shan tuyết", maker=maker),
        factories.product("Mật ong bạc hà", maker=maker),
    )
    lan = follower()
    following(lan, maker, at=start)

    assert sent(start + timedelta(days=1)) == []  # no news, no e-mail
    news(tea, at=start + timedelta(days=1, hours=1))
    (first,) = sent(start + timedelta(days=1, hours=2))
    assert first.to == ["lan@example.com"]
    assert "Chè Shan tuyết" in first.body and "Mật ong" not in first.body
    assert sent(start + timedelta(days=1, hours=3)) == []  # the same run again: nothing

    news(honey, at=start + timedelta(days=2))
    assert sent(start + timedelta(days=3)) == []  # a week has not passed
    assert sent(start + timedelta(days=8, hours=1)) == []  # still not (7 days after 1d 2h)
    (second,) = sent(start + timedelta(days=8, hours=3))
    assert "Mật ong bạc hà" in second.body and "Chè Shan tuyết" not in second.body
    assert FollowDigest.objects.filter(user=lan).count() == 2


def test_news_before_the_follow_or_of_hidden_products_is_not_sent(sent):
    now = timezone.now()
    maker = factories.producer()
    old, hidden = factories.product("Cũ", maker=maker), factories.product("Ẩn", maker=maker)
    lan = follower()
    news(old, at=now - timedelta(days=3))
    following(lan, maker, at=now - timedelta(days=2))
    news(hidden, at=now - timedelta(days=1))
    hidden.is_public = False
    hidden.save()
    assert sent(now) == []
    assert not FollowDigest.objects.exists()


@pytest.mark.parametrize(
    ("language", "subject", "stop"),
    [("vi", "Tin mới từ HTX Chè", "Thôi theo dõi"), ("en", "News from HTX Chè", "Stop following")],
)
def test_the_email_is_in_the_followers_language_with_a_link_to_stop(sent, language, subject, stop):
    now = timezone.now()
    maker = factories.producer(name="HTX Chè")
    tea = factories.product("Chè Shan tuyết", maker=maker)
    lan = follower(language=language)
    following(lan, maker, at=now - timedelta(days=2))
    news(tea, at=now - timedelta(days=1), kind=FollowNews.Kind.NEW)
    (email,) = sent(now)
    assert email.subject == subject
    assert stop in email.body
    (link,) = re.findall(r"https?://\S+/unfollow/\S+/", email.body)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert (f"/{path}".startswith("/en/")) == (language == "en")

    client = Client()  # the link works without signing in: asks first, stops on POST
    assert client.get(f"/{path}").status_code == 200
    assert Follow.objects.filter(user=lan).exists()
    assert client.post(f"/{path}").status_code == 200
    assert not Follow.objects.filter(user=lan).exists()


def test_a_tampered_stop_link_is_not_found():
    maker = factories.producer()
    lan = follower()
    services.follow_start(user=lan, partner=maker)
    token = services.unfollow_token(user_id=lan.pk, partner_id=maker.pk)
    from django.urls import reverse

    url = reverse("producers:unfollow", kwargs={"token": token[:-2] + "xx"})
    assert Client().post(url).status_code == 404
    assert Follow.objects.filter(user=lan).exists()


def test_an_approved_new_listing_is_news_once():
    maker = factories.producer()
    owner = factories.producer_user(maker)
    operator = factories.operator()
    change = producers.product_create(
        producer=maker,
        actor=owner,
        on_behalf=False,
        values={"title": "Thắng cố", "description": ""},
        price=Decimal(100000),
        num_in_stock=5,
    )
    assert not FollowNews.objects.exists()  # not public yet
    producers.listing_change_approve(change=change, actor=operator)
    (item,) = FollowNews.objects.all()
    assert item.kind == FollowNews.Kind.NEW and item.product_id == change.product_id
    assert item.partner_id == maker.pk


def test_a_season_opens_when_stock_returns_after_a_month_without_any():
    maker = factories.producer()
    plum = factories.product("Mận hậu", maker=maker, stock=0)
    record = StockRecord.objects.get(product=plum)
    long_ago = timezone.now() - timedelta(days=31)
    StockRecord.objects.filter(pk=record.pk).update(date_updated=long_ago)
    producers.stock_and_price_set(
        product=plum, producer=maker, price=Decimal(60000), num_in_stock=40
    )
    (item,) = FollowNews.objects.all()
    assert item.kind == FollowNews.Kind.SEASON

    # restocking again soon after, or after a short gap, is not a new season
    producers.stock_and_price_set(
        product=plum, producer=maker, price=Decimal(60000), num_in_stock=0
    )
    producers.stock_and_price_set(
        product=plum, producer=maker, price=Decimal(60000), num_in_stock=10
    )
    StockRecord.objects.filter(pk=record.pk).update(
        num_in_stock=0, date_updated=timezone.now() - timedelta(days=10)
    )
    producers.stock_and_price_set(
        product=plum, producer=maker, price=Decimal(60000), num_in_stock=10
    )
    assert FollowNews.objects.count() == 1
