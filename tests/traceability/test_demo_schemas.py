"""The demo floor keeps some lots in schema 1 and records the rest in schema 2: both verify."""

from __future__ import annotations

import json

import pytest

from traceability import selectors
from traceability.demo import LOTS, demo_lot_schema
from traceability.models import EventDisclosure, Lot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_floor")]


def _schemas(lot: Lot) -> set[int]:
    return {json.loads(c)["schemaVersion"] for c in lot.events.values_list("canonical", flat=True)}


def test_a_producer_s_second_demo_lot_keeps_schema_1_and_the_others_are_schema_2():
    expected = {
        code: demo_lot_schema(number)
        for spec in LOTS.values()
        for number, code in enumerate(spec["lots"])
    }
    assert set(expected.values()) == {1, 2}
    lots = Lot.objects.filter(code__in=expected)
    assert lots.count() == len(expected)
    for lot in lots:
        assert _schemas(lot) == {expected[lot.code]}, lot.code
        disclosures = EventDisclosure.objects.filter(event__lot=lot)
        personal = lot.producer.kind == "household" or lot.events.exclude(actor=None).exists()
        assert disclosures.exists() == (expected[lot.code] == 2 and personal), lot.code


def test_every_demo_lot_of_either_schema_holds_up_without_a_chain():
    for lot in Lot.objects.filter(code__in=[c for spec in LOTS.values() for c in spec["lots"]]):
        check = selectors.lot_check(lot=lot)
        assert check.verdict.problems == [], lot.code
        assert all(event.problems == [] for event in check.verdict.events), lot.code
        assert all(event.withheld == [] for event in check.verdict.events), lot.code
