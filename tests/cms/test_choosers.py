"""Editors choose products and producers in a searchable modal, never by typing ids."""

import json

import pytest
from django.urls import reverse

from cms import models
from cms.choosers import producer_chooser, product_chooser
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("bien-tap", "bt@example.com", "pw-123456789")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def chooser_results(client, name, query=""):
    response = client.get(reverse(f"{name}:choose_results"), {"q": query} if query else {})
    assert response.status_code == 200
    return response.content.decode()


def test_product_chooser_searches_without_diacritics_and_lists_only_products_on_sale(editor):
    honey = factories.product("Mật ong bạc hà Đồng Văn 500ml")
    tea = factories.product("Chè Shan Tuyết cổ thụ 200g")
    withdrawn = factories.product("Mật ong hoa rừng", public=False)

    html = chooser_results(editor, "product_chooser", "mat ong")
    assert honey.title in html
    assert tea.title not in html
    assert withdrawn.title not in html
    assert "HTX Mật ong bạc hà Đồng Văn" in html  # the producer column

    everything = chooser_results(editor, "product_chooser")
    assert honey.title in everything and tea.title in everything

    modal = editor.get(reverse("product_chooser:choose"))
    assert modal.status_code == 200
    assert json.loads(modal.content)["step"] == "choose"


def test_choosing_a_product_returns_it_to_the_widget(editor):
    honey = factories.product("Mật ong bạc hà Đồng Văn 500ml")
    response = editor.get(reverse("product_chooser:chosen", args=[honey.pk]))
    result = json.loads(response.content)["result"]
    assert str(result["id"]) == str(honey.pk)
    assert result["title"] == honey.title


def test_producer_chooser_searches_names_without_diacritics(editor):
    bees = factories.producer("HTX Mật ong bạc hà Đồng Văn")
    tea = factories.producer("HTX Chè Shan Tuyết Hoàng Su Phì")
    html = chooser_results(editor, "producer_chooser", "hoang su phi")
    assert tea.name in html and bees.name not in html


def test_story_pages_choose_their_producer_with_the_chooser_widget(client, django_user_model):
    admin = django_user_model.objects.create_superuser("a", "a@example.com", "pw-123456789")
    client.force_login(admin)
    home = content.home()
    stories = content.story_index(home)
    response = client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "producerstorypage", stories.pk])
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert isinstance(form.fields["producer"].widget, producer_chooser.widget_class)
    html = response.content.decode()
    assert reverse("producer_chooser:choose") in html


def test_the_palette_uses_the_choosers():
    palette = models.HomePage._meta.get_field("body").stream_block
    products = palette.child_blocks["featured_products"].child_blocks["products"].child_block
    producers = palette.child_blocks["featured_producers"].child_blocks["producers"].child_block
    assert isinstance(products.widget, product_chooser.widget_class)
    assert isinstance(producers.widget, producer_chooser.widget_class)
