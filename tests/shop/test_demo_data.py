"""The demo is data (YAML files next to its loaders): references hold, loading twice changes no
value, and the loaders of the content and the lots do not import the floor's."""

import ast
import inspect
from dataclasses import fields

import pytest
from django.contrib.auth import get_user_model
from django.db.models import DateTimeField
from oscar.core.loading import get_model
from wagtail.models import Page, Revision

from cms import demo as content
from shop import demo
from traceability import demo as lots
from traceability.models import Event, Lot

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def walk(value):
    """Every value inside the content's data, depth first."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)
    elif isinstance(value, content.Rich | content.ImageRef):
        for field in fields(value):
            yield from walk(getattr(value, field.name))


def content_values():
    for data in (content.HOME, content.REGIONS, content.STORIES, content.ARTICLES, content.PAGES):
        yield from walk(data)


def test_every_product_names_a_known_category_and_producer_and_its_own_upc():
    upcs = [product["upc"] for product in demo.PRODUCTS]
    assert len(set(upcs)) == len(upcs)
    for product in demo.PRODUCTS:
        assert product["category"] in demo.CATEGORIES, product["upc"]
        assert product["producer"] in demo.PRODUCERS, product["upc"]
    accounts = [a for a in demo.ACCOUNTS if a.role == "producer"]
    assert accounts and all(a.producer in demo.PRODUCERS for a in accounts)
    assert set(lots.LOTS) <= set(demo.PRODUCERS)


def test_the_content_refers_only_to_what_the_demo_loads():
    upcs = {product["upc"] for product in demo.PRODUCTS}
    regions = {page["slug"].vi for page in content.REGIONS["pages"]}
    values = list(content_values())
    kinds = {type(value) for value in values}
    assert {content.ProductRef, content.ProducerRef, content.PageRef, content.ImageRef} <= kinds
    for value in values:
        if isinstance(value, content.ProductRef):
            assert value.upc in upcs, value
        elif isinstance(value, content.ProducerRef):
            assert value.code in demo.PRODUCERS, value
        elif isinstance(value, content.PageRef):
            assert value.slug in regions, value
        elif isinstance(value, content.ImageRef):
            assert value.key in content.IMAGES, value
        elif isinstance(value, dict):
            # A {vi, en} pair is read as a text: a half-translated pair would stay a dict.
            assert not value.keys() & {"vi", "en"}, value
    assert set(content.STORIES["pages"]) == set(demo.PRODUCERS)


def imported(module) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def test_the_content_and_the_lots_do_not_import_the_floor():
    """`shop.demo` loads them both, so importing it back would be a cycle."""
    for module in (content, lots):
        floor = {name for name in imported(module) if name.split(".")[:2] == ["shop", "demo"]}
        assert not floor, module.__name__


def snapshot() -> dict:
    """Every stored value the demo writes, but the times records were last saved."""

    def rows(queryset):
        model = queryset.model
        skip = {f.name for f in model._meta.fields if isinstance(f, DateTimeField) and f.auto_now}
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        return list(queryset.order_by("pk").values_list(*names))

    return {
        "products": rows(Product.objects.all()),
        "stock": rows(StockRecord.objects.all()),
        "producers": rows(Partner.objects.all()),
        "users": rows(get_user_model().objects.all()),
        "pages": rows(Page.objects.all()),
        "revisions": rows(Revision.objects.all()),
        "lots": rows(Lot.objects.all()),
        "events": rows(Event.objects.all()),
    }


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_no_stored_value():
    demo.demo_load()
    first = snapshot()
    assert all(first.values()), {name: len(values) for name, values in first.items()}
    demo.demo_load()
    assert snapshot() == first
