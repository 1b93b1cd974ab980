import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def titles(client, query, **params):
    response = client.get(reverse("search:search"), {"q": query, **params})
    assert response.status_code == 200
    return [p.title for p in response.context["products"]]


@pytest.fixture
def floor():
    factories.product("Mật ong bạc hà Đồng Văn", description="Mật ong hoa bạc hà.")
    factories.product("Đặc sản khô Hà Giang", description="Thịt trâu gác bếp.")
    factories.product("Chè Shan Tuyết cổ thụ", description="Chè búp hái tay.")
    factories.product("Sáp ong nguyên chất", description="Làm từ tổ ong, mật ong bạc hà.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mat ong", "Mật ong bạc hà Đồng Văn"),
        ("Mật ong", "Mật ong bạc hà Đồng Văn"),
        ("MAT ONG", "Mật ong bạc hà Đồng Văn"),
        ("dac san", "Đặc sản khô Hà Giang"),
        ("đặc sản", "Đặc sản khô Hà Giang"),
        ("che shan tuyet", "Chè Shan Tuyết cổ thụ"),
        ("Chè Shan Tuyết", "Chè Shan Tuyết cổ thụ"),
    ],
)
def test_same_results_with_or_without_diacritics(client, floor, query, expected):
    assert titles(client, query)[0] == expected


def test_title_matches_rank_before_description_matches(client, floor):
    found = titles(client, "mat ong")
    assert found.index("Mật ong bạc hà Đồng Văn") < found.index("Sáp ong nguyên chất")


def test_every_word_must_match(client, floor):
    assert titles(client, "mat ong shan") == []


def test_description_is_searched(client, floor):
    assert titles(client, "gac bep") == ["Đặc sản khô Hà Giang"]


def test_results_are_paginated(client):
    for i in range(25):
        factories.product(f"Mật ong số {i}")
    first = client.get(reverse("search:search"), {"q": "mat ong"})
    assert first.context["paginator"].count == 25
    assert len(first.context["products"]) == 20
    second = client.get(reverse("search:search"), {"q": "mat ong", "page": "2"})
    assert len(second.context["products"]) == 5
    # A page number that is not a number or out of range still gives a page.
    assert client.get(reverse("search:search"), {"q": "mat ong", "page": "x"}).status_code == 200
    assert client.get(reverse("search:search"), {"q": "mat ong", "page": "99"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "a" * 10_000,
        "mật ong " * 1300,
        "\x00\x01",
        "🍯🐝",
        "%' OR 1=1 --",
        "\u202e\u0301\u0300",
        "𝔪𝔞𝔱 𝔬𝔫𝔤",
    ],
)
def test_odd_queries_get_a_normal_page(client, floor, query):
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200


def test_search_works_in_english_too(client, floor):
    response = client.get("/en/shop/search/", {"q": "mat ong"})
    assert response.status_code == 200
    assert "Mật ong bạc hà Đồng Văn" in response.content.decode()
