import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.text import fold, search_terms, slugify


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Mật ong bạc hà", "mat ong bac ha"),
        ("Đặc sản Hà Giang", "dac san ha giang"),
        ("Chè Shan Tuyết", "che shan tuyet"),
        ("ĐỒNG VĂN", "dong van"),
        ("Thịt trâu   gác bếp", "thit trau gac bep"),
        # Decomposed (NFD) input folds the same as composed (NFC) input.
        ("Me\u0300o Va\u0323c", "meo vac"),
    ],
)
def test_fold_removes_marks_and_maps_d(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đặc sản", "dac-san"),
        ("Đặc sản Hà Giang", "dac-san-ha-giang"),
        ("Thịt gác bếp & đồ khô", "thit-gac-bep-do-kho"),
        ("Chè Shan Tuyết cổ thụ 200g", "che-shan-tuyet-co-thu-200g"),
    ],
)
def test_slugify_transliterates_vietnamese(text, slug):
    assert slugify(text) == slug


def test_search_terms_are_bounded():
    terms = search_terms("mật " * 5000 + " ".join(f"w{i}" for i in range(100)))
    assert terms[0] == "mat"
    assert len(terms) <= 8
    assert search_terms("") == []
    assert search_terms("!!! ??? ☕") == []


@given(st.text())
def test_fold_and_slug_never_fail(text):
    assert fold(fold(text)) == fold(text)
    slug = slugify(text)
    assert slug == slug.strip("-")
    assert all(ch.isascii() for ch in slug)
