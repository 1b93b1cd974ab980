"""The fast RFC 8785 path equals the ``rfc8785`` package on every float-free JSON value."""

from __future__ import annotations

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from traceability.canonical import jcs_bytes

SAFE = 2**53 - 1
TRICKY = list('"\\\b\f\n\r\t\x00\x1f\x7f\u2028\u2029ăâđêôơưạảấầẩẫậ')
OUTSIDE_BMP_AND_EDGES = ["\U0001f36f", "\U00020000", "\ufb01", "\uffff", "\ue000"]
text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # every code point except lone surrogates
        st.sampled_from(TRICKY),
        st.sampled_from(OUTSIDE_BMP_AND_EDGES),
    )
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-SAFE, SAFE) | text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(text, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=1500, deadline=None)
@given(json_values)
def test_fast_path_equals_the_reference_implementation(value) -> None:
    assert jcs_bytes(value) == rfc8785.dumps(value)


def test_keys_outside_the_bmp_sort_by_utf16_like_jcs() -> None:
    value = {"\U0001f36f": 1, "\ufb01": 2, "a": 3}  # in UTF-16, U+1F36F (D83C…) sorts first
    out = jcs_bytes(value)
    assert out == rfc8785.dumps(value)
    assert out.index("\U0001f36f".encode()) < out.index("\ufb01".encode())


def test_vietnamese_and_control_characters() -> None:
    value = {"tên": 'Mật ong bạc hà\n\t"Đồng Văn"', "số": -12, "x": [True, None, "\x01"]}
    assert jcs_bytes(value) == rfc8785.dumps(value)
