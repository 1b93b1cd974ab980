"""Following a producer: the button on its page (a POST form), the services, bad input."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shop.partner import services
from shop.partner.models import Follow
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(name="lan"):
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    return user, client


def follow_pressed(html: str) -> bool:
    start = html.index('class="btn-follow"')
    return 'aria-pressed="true"' in html[start : html.index(">", start)]


def test_follow_and_stop_from_the_producers_page():
    maker = factories.producer()
    user, client = signed_in()
    page = maker.get_absolute_url()
    url = reverse("producers:follow", kwargs={"code": maker.code})
    assert not follow_pressed(client.get(page).content.decode())

    for _ in range(2):
        assert client.post(url, {"wanted": "1"})["Location"] == page
    assert Follow.objects.filter(user=user, partner=maker).count() == 1
    assert follow_pressed(client.get(page).content.decode())

    client.post(url, {"wanted": "0"})
    assert not Follow.objects.exists()
    assert not follow_pressed(client.get(page).content.decode())


def test_anonymous_visitors_sign_in_first_and_see_the_same_button():
    maker = factories.producer()
    url = reverse("producers:follow", kwargs={"code": maker.code})
    response = Client().post(url, {"wanted": "1"})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("customer:login")
    )
    assert not Follow.objects.exists()
    user, client = signed_in()
    client.post(url, {"wanted": "1"})
    first = Client().get(maker.get_absolute_url())
    assert not follow_pressed(first.content.decode())
    assert Client().get(maker.get_absolute_url())["X-Page-Cache"] == "hit"
    # back from signing in by GET: the producer's page, nothing written
    Follow.objects.all().delete()
    assert client.get(url)["Location"] == maker.get_absolute_url()
    assert not Follow.objects.exists()


def test_bad_input_changes_nothing():
    maker = factories.producer()
    hidden = factories.producer(name="HTX ẩn")
    hidden.is_public = False
    hidden.save()
    user, client = signed_in()
    url = reverse("producers:follow", kwargs={"code": maker.code})
    response = client.post(url, {"wanted": "maybe"}, follow=True)
    assert response.status_code == 200
    assert not Follow.objects.exists()
    assert (
        client.post(
            reverse("producers:follow", kwargs={"code": "nobody"}), {"wanted": "1"}
        ).status_code
        == 404
    )
    hidden_url = reverse("producers:follow", kwargs={"code": hidden.code})
    assert client.post(hidden_url, {"wanted": "1"}).status_code == 404
    with pytest.raises(ValidationError):
        services.follow_start(user=user, partner=hidden)
    assert not Follow.objects.exists()


def test_services_follow_once_and_stop_quietly():
    maker = factories.producer()
    user = get_user_model().objects.create_user("an", "an@example.com", "pw-123456789")
    first = services.follow_start(user=user, partner=maker)
    assert services.follow_start(user=user, partner=maker).pk == first.pk
    assert services.follow_stop(user=user, partner=maker) is True
    assert services.follow_stop(user=user, partner=maker) is False
