"""The demo command loads the content too: both languages, images drawn locally, twice is once."""

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from wagtail_localize.models import Translation

from cms import models
from shop import demo

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "translations": Translation.objects.count(),
        "users": get_user_model().objects.count(),
    }


def in_language(model, code):
    return model.objects.live().filter(locale__language_code=code)


def test_demo_content_in_both_languages_and_loading_twice_changes_nothing(client):
    demo.demo_load()
    first = counts()
    demo.demo_load()
    assert counts() == first

    for code in ("vi", "en"):
        assert in_language(models.HomePage, code).count() == 1
        assert in_language(models.RegionPage, code).count() >= 2
        stories = in_language(models.ProducerStoryPage, code)
        assert set(stories.values_list("producer__code", flat=True)) == set(demo.PRODUCERS)
        articles = in_language(models.ArticlePage, code)
        assert articles.count() >= 3
        assert articles.filter(kind="guide").count() >= 2
        assert in_language(models.FaqPage, code).exists()
        assert in_language(models.StandardPage, code).exists()
        # Real translations, not aliases of the Vietnamese pages.
        assert not Page.objects.filter(locale__language_code=code, alias_of__isnull=False).exists()

    guides = set(
        in_language(models.ArticlePage, "en").filter(kind="guide").values_list("title", flat=True)
    )
    assert {"How to pay by scanning a QR code", "How to verify a product's origin"} <= guides

    for image in get_image_model().objects.all():
        with image.file.open("rb") as handle:
            assert handle.read(3) == b"\xff\xd8\xff"  # JPEGs drawn locally
        assert image.description  # alt text

    for path in ("/", "/en/", "/vung-dac-san/dong-van/", "/en/regions/dong-van/", "/en/news/"):
        assert client.get(path).status_code == 200, path


def test_content_accounts_edit_and_moderate():
    demo.demo_load()
    User = get_user_model()
    editor = User.objects.get(email="editor@chophien.test")
    moderator = User.objects.get(email="moderator@chophien.test")
    assert editor.groups.filter(name="Editors").exists()
    assert moderator.groups.filter(name="Moderators").exists()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("wagtail_localize.submit_translation")
    assert editor.check_password(demo.DEMO_PASSWORD)
    home = models.HomePage.objects.get(locale__language_code="vi")
    assert not home.permissions_for_user(editor).can_publish()
    assert home.permissions_for_user(moderator).can_publish()
