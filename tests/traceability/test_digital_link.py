"""Reading GS1 Digital Link requests (traceability/digital_link.py): path elements, compressed
links (GS1's published examples and round trips through the compressor), link types, Accept."""

from __future__ import annotations

import pytest
from gs1 import compress_gs1_digital_link
from hypothesis import given, settings
from hypothesis import strategies as st

from traceability import gs1
from traceability.digital_link import (
    DigitalLinkError,
    Link,
    Target,
    UnsupportedKey,
    choose,
    decompress,
    link_header,
    link_type_term,
    parse_elements,
    wants_linkset,
    with_query,
)

GTIN = "08930000000019"  # a valid GTIN-14 (check digit 9)


def test_path_elements_are_checked_and_the_gtin_padded():
    assert parse_elements(GTIN, "MO-1") == Target(GTIN, "MO-1")
    assert parse_elements("8930000000019") == Target(GTIN)  # a GTIN-13
    assert Target(GTIN, "A/B%").path == f"/01/{GTIN}/10/A%2FB%25"
    assert Target(GTIN).path == f"/01/{GTIN}"


@pytest.mark.parametrize(
    ("gtin", "lot", "reason"),
    [
        ("08930000000018", None, "check-digit"),
        ("0893000000001", None, "check-digit"),  # 13 digits, wrong check digit
        ("8930000000", None, "gtin"),  # 10 digits
        ("0893000000001x", None, "gtin"),
        ("", None, "gtin"),
        (GTIN, "", "lot"),
        (GTIN, "X" * 21, "lot"),
        (GTIN, "lô-1", "lot"),  # outside GS1 character set 82
        (GTIN, "A B", "lot"),
    ],
)
def test_syntax_errors_say_what_is_wrong(gtin, lot, reason):
    with pytest.raises(DigitalLinkError) as caught:
        parse_elements(gtin, lot)
    assert caught.value.reason == reason


def test_gs1s_published_compressed_examples():
    assert decompress("ARHKVAdpQg") == Target("09780345418913")
    # GTIN, lot and serial: the resolver answers for the lot (one level up).
    assert decompress("AREjalurbiAUO-cgohCz45Z67b8A") == Target("09421902960055", "2010005828")


@pytest.mark.parametrize(
    "segment", ["ZZZZ", "A", "AAAA!", "ARHKVAdpQg/extra", "_" * 200, "x" * 201, "ARHKVAdpRg"]
)
def test_what_does_not_decode_is_a_syntax_error(segment):
    # ARHKVAdpRg decodes to a GTIN with a wrong check digit.
    with pytest.raises(DigitalLinkError):
        decompress(segment)


def test_a_compressed_link_without_a_gtin_is_not_ours():
    with pytest.raises(UnsupportedKey):
        decompress("A" * 40)  # an SSCC (AI 00) of zeros


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(alphabet="0123456789", min_size=13, max_size=13),
    lot=st.from_regex(r"[A-Za-z0-9\-.]{1,20}", fullmatch=True) | st.none(),
)
def test_compression_round_trip(body, lot):
    gtin = body + gs1.check_digit(body)
    target = Target(gtin, lot)
    compressed = compress_gs1_digital_link(f"https://chophien.example{target.path}")
    segment = compressed.rsplit("/", 1)[1]
    assert decompress(segment) == target


def test_link_types_in_every_spelling():
    assert link_type_term("gs1:pip") == "pip"
    assert link_type_term("https://gs1.org/voc/epcis") == "epcis"
    assert link_type_term("https://ref.gs1.org/voc/traceability") == "traceability"
    assert link_type_term("all") == link_type_term("linkset") == "linkset"
    assert link_type_term("gs1:linkset") == "linkset"
    assert link_type_term("https://example.org/voc/x") == "https://example.org/voc/x"
    for bad in ("gs1:", "gs1:a b", "a b", "gs1:<script>", "x" * 201):
        with pytest.raises(DigitalLinkError):
            link_type_term(bad)


def test_accept_asks_for_the_linkset_only_when_it_names_it_first():
    assert wants_linkset("application/linkset+json")
    assert wants_linkset("application/linkset+json, text/html;q=0.5")
    assert not wants_linkset("text/html, application/linkset+json;q=0.5")
    assert not wants_linkset("*/*")
    assert not wants_linkset("")
    assert not wants_linkset("application/linkset+json;q=0")
    assert wants_linkset("application/json")
    assert not wants_linkset("text/html,application/xhtml+xml,application/json;q=0.9")


def test_choose_by_media_type_then_language():
    links = [
        Link("traceability", "https://x.vn/vi", "vi", hreflang=("vi",)),
        Link("traceability", "https://x.vn/en", "en", hreflang=("en",)),
        Link("traceability", "https://x.vn/json", "json", type="application/json"),
    ]
    assert choose(links, rel="traceability", accept="*/*", language="en").href.endswith("/en")
    assert choose(links, rel="traceability", accept="", language="vi").href.endswith("/vi")
    assert choose(links, rel="traceability", accept="application/json", language="vi").title == (
        "json"
    )
    assert choose(links, rel="pip", accept="", language="vi") is None


def test_query_passing_and_link_header():
    assert with_query("https://x.vn/a?format=json", [("b", "1 2")]) == (
        "https://x.vn/a?format=json&b=1+2"
    )
    assert link_header([("https://x.vn/a", {"rel": "canonical"})]) == (
        '<https://x.vn/a>; rel="canonical"'
    )
