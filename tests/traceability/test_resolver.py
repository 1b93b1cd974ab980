"""The GS1-Conformant resolver (traceability/resolver.py) through the site's URLs: linksets
validated against GS1's published linkset schema, redirects by link type, 400 on syntax errors,
compressed links answered in place, HEAD/OPTIONS/CORS and the Link header."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from gs1 import compress_gs1_digital_link

from traceability.models import Certificate, Lot

pytestmark = pytest.mark.django_db

# https://ref.gs1.org/standards/resolver/linkset-schema (GS1-Conformant resolver 1.2.0).
SCHEMA = json.loads((Path(__file__).parent / "data" / "gs1-linkset-schema.json").read_text())
VOC = "https://ref.gs1.org/voc/"
SITE = "http://127.0.0.1:8000"


def validate(document):
    jsonschema.Draft7Validator(SCHEMA).validate(document)


def compressed_path(path: str) -> str:
    return "/" + compress_gs1_digital_link(SITE + path).rsplit("/", 1)[1]


def links_of(response) -> str:
    return response["Link"]


@pytest.fixture
def lot(make_lot) -> Lot:
    return make_lot(code="MO-2511-07")


def test_the_schema_can_fail():
    good = {"linkset": [{"anchor": f"{SITE}/01/1", VOC + "pip": [{"href": SITE, "title": "t"}]}]}
    validate(good)
    for bad in (
        {"linkset": [{VOC + "pip": [{"href": SITE, "title": "t"}]}]},  # no anchor
        {"linkset": [{"anchor": SITE, VOC + "pip": [{"href": SITE}]}]},  # no title
        {"linkset": [{"anchor": SITE, VOC + "pip": [{"href": SITE, "title": "t", "x": 1}]}]},
        {"linkset": [{"anchor": SITE, "Bad Key": []}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?linkType=all", {}),
        ("?linkType=linkset", {}),
        ("?linkType=gs1:linkset", {}),
        ("", {"HTTP_ACCEPT": "application/linkset+json"}),
        ("", {"HTTP_ACCEPT": "application/json"}),  # GS1 recommends the same answer
    ],
)
def test_lot_linkset(client, lot, query, headers):
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    response = client.get(path + query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/linkset+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    validate(document)
    lot_entry, product_entry = document["linkset"]
    assert lot_entry["anchor"] == SITE + path
    assert product_entry["anchor"] == f"{SITE}/01/{lot.gtin14}"
    assert lot_entry["description"] == f"{lot.product.title}, lô {lot.code}"
    assert set(lot_entry) == {
        "anchor",
        "description",
        VOC + "defaultLink",
        VOC + "traceability",
        VOC + "epcis",
        VOC + "pip",
    }
    assert lot_entry[VOC + "defaultLink"] == [
        {"href": SITE + path, "title": "Nguồn gốc lô hàng", "type": "text/html", "hreflang": ["vi"]}
    ]
    hrefs = {link["href"]: link for link in lot_entry[VOC + "traceability"]}
    assert set(hrefs) == {SITE + path, f"{SITE}/en{path}", f"{SITE}{path}?format=json"}
    assert hrefs[f"{SITE}{path}?format=json"]["type"] == "application/json"
    assert lot_entry[VOC + "epcis"][0]["href"] == f"{SITE}{path}?format=epcis"
    product_page = SITE + lot.product.get_absolute_url()
    assert lot_entry[VOC + "pip"][0]["href"] == product_page
    assert product_entry[VOC + "defaultLink"][0]["href"] == product_page
    # Every link the list names answers.
    for entry in document["linkset"]:
        for rel, targets in entry.items():
            if rel.startswith(VOC):
                for target in targets:
                    assert client.get(target["href"].removeprefix(SITE)).status_code == 200
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in links_of(response)


def test_english_linkset_titles(client, lot):
    response = client.get(f"/en/01/{lot.gtin14}/10/{lot.code}?linkType=all")
    document = json.loads(response.content)
    validate(document)
    default = document["linkset"][0][VOC + "defaultLink"][0]
    assert default["title"] == "Where this lot comes from"
    assert default["href"] == f"{SITE}/en/01/{lot.gtin14}/10/{lot.code}"


def test_certificates_are_listed_while_valid(client, lot):
    now = timezone.now()
    certificate = Certificate.objects.create(
        product=lot.product,
        producer=lot.producer,
        kind=Certificate.Kind.OCOP,
        reference="OCOP-2025-01",
        level=4,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=30),
        typed_data={},
        signer="0x" + "1" * 40,
        signature="0x" + "2" * 130,
        chain_id=31337,
        contract="0x" + "3" * 40,
    )
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    document = json.loads(client.get(path + "?linkType=all").content)
    validate(document)
    assert document["linkset"][0][VOC + "certificationInfo"][0]["href"] == (
        f"{SITE}{path}#certificates"
    )
    redirect = client.get(path + "?linkType=gs1:certificationInfo")
    assert redirect.status_code == 307 and redirect["Location"] == f"{SITE}{path}#certificates"
    certificate.revoked_at = now
    certificate.save()
    document = json.loads(client.get(path + "?linkType=all").content)
    assert VOC + "certificationInfo" not in document["linkset"][0]


def test_link_types_redirect_and_pass_the_query_on(client, lot):
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    epcis = client.get(path + "?linkType=gs1:epcis&utm=qr")
    assert epcis.status_code == 307
    assert epcis["Location"] == f"{SITE}{path}?format=epcis&utm=qr"
    assert epcis["Access-Control-Allow-Origin"] == "*"
    pip = client.get(path + "?linkType=https://gs1.org/voc/pip")
    assert pip["Location"] == SITE + lot.product.get_absolute_url()
    bundle = client.get(path + "?linkType=gs1:traceability", HTTP_ACCEPT="application/json")
    assert bundle["Location"] == f"{SITE}{path}?format=json"
    page = client.get(path + "?linkType=gs1:traceability", HTTP_ACCEPT="text/html")
    assert page["Location"] == SITE + path
    # A type we do not offer: 404 (GS1-Conformant resolver 2.6.2).
    other = client.get(path + "?linkType=gs1:recipeInfo")
    assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    # Followed, each answers.
    assert client.get(epcis["Location"].removeprefix(SITE)).status_code == 200


def test_default_is_the_lot_page_and_formats_still_work(client, lot):
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    page = client.get(path)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert lot.producer.name in page.content.decode()
    canonical = SITE + path
    assert f'<{canonical}>; rel="canonical"' in links_of(page)
    assert f'<{canonical}>; rel="owl:sameAs"' in links_of(page)
    assert f'<{canonical}?linkType=linkset>; rel="linkset"' in links_of(page)
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in page["Vary"].split(",")}
    bundle = client.get(path + "?format=json", HTTP_ACCEPT="application/json")
    assert bundle["Content-Type"] == "application/json"  # ?format= wins over Accept
    assert json.loads(bundle.content)["lot"]["uri"] == canonical
    epcis = client.get(path + "?format=epcis")
    assert epcis["Content-Type"] == "application/ld+json"
    # A GTIN-13 names the same lot; the Link header gives the canonical GTIN-14 form.
    short = client.get(f"/01/{lot.gtin14[1:]}/10/{lot.code}?linkType=all")
    assert short.status_code == 200 and f'<{canonical}>; rel="canonical"' in links_of(short)
    # A trailing slash is tolerated, and a serial number is answered at the lot's level.
    assert client.get(path + "/").status_code == 200
    serial = client.get(path + "/21/ABC123?linkType=all")
    assert serial.status_code == 200
    assert json.loads(serial.content)["linkset"][0]["anchor"] == canonical


def test_head_options_and_other_methods(client, lot):
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    head = client.head(path)
    assert head.status_code == 200 and head["Content-Type"].startswith("text/html")
    assert 'rel="canonical"' in links_of(head) and head["Access-Control-Allow-Origin"] == "*"
    lot.refresh_from_db()
    assert lot.scan_count == 0  # HEAD is not a visit
    assert client.head(path + "?linkType=all")["Content-Type"] == "application/linkset+json"
    for url in (path, f"/01/{lot.gtin14}", "/ARHKVAdpQg", "/.well-known/gs1resolver"):
        options = client.options(url, HTTP_ORIGIN="https://other.example")
        assert options.status_code == 204, url
        assert options["Access-Control-Allow-Origin"] == "*"
        assert set(options["Access-Control-Allow-Methods"].split(", ")) == {
            "GET",
            "HEAD",
            "OPTIONS",
        }
        for method in ("post", "put", "delete", "patch"):
            refused = getattr(client, method)(url)
            assert refused.status_code == 405, (method, url)
            assert refused["Allow"] == "GET, HEAD, OPTIONS"
    assert Lot.objects.get(pk=lot.pk).scan_count == 0


@pytest.mark.parametrize(
    "path",
    [
        "/01/{gtin_bad}/10/{code}",  # wrong check digit
        "/01/{gtin_bad}",
        "/01/123/10/{code}",  # too short
        "/01/0893000000001X",
        "/01/{gtin}/10/" + "X" * 21,  # a lot number is at most 20 characters
        "/01/{gtin}/10/lô-1",
        "/AZZZZZZZZZZZ",  # does not decode
        "/01/{gtin}/10/{code}?linkType=gs1:a%20b",
        "/01/{gtin}/17/261231",  # a data attribute belongs in the query string
        "/01/{gtin_bad}/21/S1",
    ],
)
def test_syntax_errors_are_400(client, lot, path):
    gtin = lot.gtin14
    url = path.format(gtin=gtin, gtin_bad=gtin[:-1] + str((int(gtin[-1]) + 1) % 10), code=lot.code)
    response = client.get(url)
    assert response.status_code == 400, url
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 400 and problem["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"
    # A person sees a page in Vietnamese.
    page = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page.status_code == 400 and "Đây không phải địa chỉ của một lô hàng" in (
        page.content.decode()
    )


def test_bad_check_digit_says_so(client, lot):
    gtin = lot.gtin14[:-1] + str((int(lot.gtin14[-1]) + 1) % 10)
    problem = json.loads(client.get(f"/01/{gtin}/10/{lot.code}").content)
    assert problem["detail"] == "Số kiểm tra của mã GTIN này không đúng."


def test_unknown_lot_or_product_is_404(client, lot):
    assert client.get(f"/01/{lot.gtin14}/10/NOPE").status_code == 404
    assert client.get("/01/09780345418913").status_code == 404
    assert client.get("/ARHKVAdpQg").status_code == 404  # a valid GTIN that is not ours
    assert client.get("/" + "A" * 40).status_code == 404  # an SSCC: not a key we resolve


def test_compressed_links_are_answered_in_place(client, lot):
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    short = compressed_path(path)
    page = client.get(short)
    assert page.status_code == 200 and lot.producer.name in page.content.decode()
    assert f'<{SITE}{path}>; rel="owl:sameAs"' in links_of(page)
    document = json.loads(client.get(short + "?linkType=all").content)
    validate(document)
    assert document["linkset"][0]["anchor"] == SITE + path  # the uncompressed URI
    assert client.get(short + "?format=json")["Content-Type"] == "application/json"
    product = client.get(compressed_path(f"/01/{lot.gtin14}"))
    assert product.status_code == 307


def test_product_uri(client, lot):
    product_page = SITE + lot.product.get_absolute_url()
    response = client.get(f"/01/{lot.gtin14}?utm=qr")
    assert response.status_code == 307
    assert response["Location"] == product_page + "?utm=qr"
    assert f'<{SITE}/01/{lot.gtin14}>; rel="canonical"' in links_of(response)
    serial = client.get(f"/01/{lot.gtin14}/21/S1")  # a serial alone: the product's level
    assert serial.status_code == 307 and serial["Location"] == product_page
    document = json.loads(client.get(f"/01/{lot.gtin14}?linkType=all").content)
    validate(document)
    (entry,) = document["linkset"]
    assert entry["anchor"] == f"{SITE}/01/{lot.gtin14}"
    assert entry[VOC + "pip"][0]["href"] == product_page


def test_description_file(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["resolverRoot"] == SITE and document["supportedPrimaryKeys"] == ["01"]
    assert document["jsonLdContextLocation"].startswith("https://ref.gs1.org/standards/resolver/")
