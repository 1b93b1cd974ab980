"""The index computed from the known-answer floor (tests/satisfaction/conftest.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.satisfaction import method, services
from shop.satisfaction.models import MonthlyFigures, Scope
from tests import factories
from tests.satisfaction.builders import local

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
LATER = local(2026, 12, 2)


def figures(scope, key=0, month=NOVEMBER):
    return MonthlyFigures.objects.get(month=month, scope=scope, key=key)


def test_producer_a_known_answer(november):
    services.month_compute(month=date(2026, 11, 17), now=LATER)
    a = figures(Scope.PRODUCER, november.a.pk)
    assert (a.orders, a.delivered, a.delivered_on_time) == (6, 5, 3)
    assert (a.reviews, a.rating) == (3, Decimal("4.00"))
    assert (a.complaints, a.complaints_resolved, a.complaints_resolved_in_time) == (2, 2, 1)
    assert a.median_resolution_hours == Decimal("20.0")
    assert a.dimensions == {
        "access": 83.3,
        "ordering": 83.3,
        "conduct": 75.0,
        "goods": 60.0,
        "complaints": 50.0,
    }
    assert a.index == Decimal("70.3")
    assert a.final is False  # complaints of November may still come in on 2 December


def test_floor_and_province_known_answer(november):
    services.month_compute(month=NOVEMBER, now=LATER)
    for scope, key in ((Scope.FLOOR, 0), (Scope.PROVINCE, 8)):
        row = figures(scope, key)
        assert (row.orders, row.delivered, row.delivered_on_time) == (8, 7, 5), scope
        assert (row.reviews, row.rating, row.complaints) == (3, Decimal("4.00"), 2)
        assert row.dimensions == {
            "access": 87.5,
            "ordering": 83.3,
            "conduct": 75.0,
            "goods": 71.4,
            "complaints": 50.0,
        }
        assert row.index == Decimal("73.5"), scope


def test_communes_follow_the_product_then_the_producer(november):
    services.month_compute(month=NOVEMBER, now=LATER)
    dong_van = figures(Scope.COMMUNE, factories.DONG_VAN)
    assert (dong_van.orders, dong_van.delivered, dong_van.index) == (6, 5, Decimal("70.3"))
    # B's tea has no origin of its own: it counts in B's commune.
    meo_vac = figures(Scope.COMMUNE, factories.MEO_VAC)
    assert (meo_vac.orders, meo_vac.delivered, meo_vac.delivered_on_time) == (2, 2, 2)


def test_too_little_data_publishes_no_index(november):
    services.month_compute(month=NOVEMBER, now=LATER)
    b = figures(Scope.PRODUCER, november.b.pk)
    assert b.orders == 2
    assert b.dimensions == {}
    assert b.index is None
    assert b.rating is None and b.median_resolution_hours is None


def test_october_holds_only_its_own_order(november):
    services.month_compute(month=date(2026, 10, 1), now=LATER)
    floor = figures(Scope.FLOOR, month=date(2026, 10, 1))
    assert (floor.orders, floor.delivered, floor.delivered_on_time) == (1, 1, 1)
    assert floor.index is None
    assert not MonthlyFigures.objects.filter(
        month=date(2026, 10, 1), scope=Scope.PRODUCER, key=november.a.pk
    ).exists()


def test_an_empty_month_has_a_floor_row_and_nothing_else():
    services.month_compute(month=date(2026, 5, 1), now=LATER)
    rows = list(MonthlyFigures.objects.all())
    assert [(r.scope, r.key, r.orders, r.index) for r in rows] == [(Scope.FLOOR, 0, 0, None)]


def test_query_count_does_not_grow_with_producers(november):
    with CaptureQueriesContext(connection) as small:
        services.month_compute(month=NOVEMBER, now=LATER)
    for i in range(5):
        maker = factories.producer(f"HTX {i}")
        from tests.satisfaction.builders import Sale, sales_create

        product = factories.product(f"Sản phẩm {i}", maker=maker)
        sales_create(
            [
                Sale(
                    product,
                    local(2026, 11, 4),
                    expected=local(2026, 11, 9).date(),
                    delivered=local(2026, 11, 8),
                )
            ]
        )
    with CaptureQueriesContext(connection) as large:
        services.month_compute(month=NOVEMBER, now=LATER)
    assert len(large) == len(small) <= 25
    assert MonthlyFigures.objects.filter(month=NOVEMBER, scope=Scope.PRODUCER).count() == 7


def test_recomputing_replaces_rows(november):
    services.month_compute(month=NOVEMBER, now=LATER)
    services.month_compute(month=NOVEMBER, now=LATER)
    assert MonthlyFigures.objects.filter(month=NOVEMBER, scope=Scope.FLOOR).count() == 1


def test_refresh_keeps_final_months_and_recomputes_open_ones(november):
    months = services.index_refresh(now=local(2027, 1, 10), months=3)
    assert months == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert figures(Scope.FLOOR).final is True  # past 1 Dec + 7 + 7 days, no complaint open
    # A final month is kept as it is, even if rows change underneath.
    MonthlyFigures.objects.filter(month=NOVEMBER).update(orders=99)
    months = services.index_refresh(now=local(2027, 1, 11), months=3)
    assert months == [date(2026, 12, 1), date(2027, 1, 1)]
    assert figures(Scope.FLOOR).orders == 99


def test_an_open_complaint_keeps_the_month_open(november):
    from shop.complaints.models import Complaint, State

    Complaint.objects.filter(resolved_in_time=False).update(
        state=State.ESCALATED, decided_at=None, resolved_in_time=None
    )
    services.month_compute(month=NOVEMBER, now=local(2027, 1, 10))
    floor = figures(Scope.FLOOR)
    assert floor.final is False
    assert (floor.complaints, floor.complaints_resolved) == (2, 1)
    assert floor.median_resolution_hours == Decimal("10.0")


@pytest.mark.parametrize(
    ("measures", "index"),
    [
        # Five measured dimensions: the plain mean (goods: (100 + 90) / 2).
        (
            method.Measures(
                orders=10,
                placed=10,
                attempts=10,
                paid=10,
                delivered=10,
                delivered_on_time=10,
                reviews=3,
                rating=5,
                complaints=1,
                complaints_resolved=1,
                complaints_resolved_in_time=1,
            ),
            Decimal("99.0"),
        ),
        # Three measured: the weights scaled to what was measured.
        (
            method.Measures(
                orders=5,
                placed=5,
                cancelled=1,
                delivered=5,
                delivered_on_time=5,
                complaints=5,
                complaints_resolved=4,
                complaints_resolved_in_time=2,
            ),
            Decimal("60.0"),
        ),
        # Two measured: not enough for an index.
        (method.Measures(orders=5, placed=5, delivered=5, delivered_on_time=5), None),
        # Four orders: never published.
        (
            method.Measures(
                orders=4, placed=5, attempts=5, paid=5, delivered=5, delivered_on_time=5
            ),
            None,
        ),
    ],
)
def test_method_table(measures, index):
    assert method.score(measures)[1] == index


def test_first_table_row_is_four_dimensions_at_100():
    # No complaint at all: complaint handling is not measured, the other four are perfect.
    dimensions, index = method.score(
        method.Measures(
            orders=10,
            placed=10,
            attempts=10,
            paid=10,
            delivered=10,
            delivered_on_time=10,
            reviews=3,
            rating=5,
        )
    )
    assert dimensions == {"access": 100.0, "ordering": 100.0, "conduct": 100.0, "goods": 100.0}
    assert index == Decimal("100.0")


def test_weakest_dimension_chooses_the_advice():
    assert method.weakest({"access": 90.0, "goods": 60.0, "complaints": 50.0}) == "complaints"
    assert method.weakest({}) is None


def test_the_page_cache_is_invalidated_only_when_figures_change(
    november, django_capture_on_commit_callbacks
):
    from shop import pagecache

    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as first:
        services.month_compute(month=NOVEMBER, now=LATER)
    assert len(first) == 1 and pagecache.generation() != generation
    with django_capture_on_commit_callbacks(execute=True) as again:
        services.month_compute(month=NOVEMBER, now=local(2026, 12, 3))
    assert again == []


def test_the_periodic_task_refreshes_the_open_months():
    from shop.satisfaction import tasks

    assert tasks.compute.apply().get() == 13
    assert MonthlyFigures.objects.filter(scope=Scope.FLOOR).count() == 13
