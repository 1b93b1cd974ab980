"""Computing the satisfaction index: one `MonthlyFigures` row per month and scope.

Every measure is counted by PostgreSQL, grouped by scope (`values(...).annotate(...)`): a handful
of queries per month, whatever the number of producers or orders. The method (what each
dimension measures, the weights, the minimum data) is `shop.satisfaction.method`, pure and
shown on the public page.

A month's figures:
* orders: orders placed in the month (still awaiting payment: not counted); for a producer,
  its parts of them (one shipment each); for a place of origin, orders with a line from there;
* delivered / delivered_on_time: shipments delivered in the month that had a quoted date
  (`expected_delivery`), and those delivered by that date (the day in Asia/Ho_Chi_Minh);
* reviews / rating: approved reviews written in the month and their average score;
* complaints: complaints opened in the month (withdrawn ones left out); complaints_resolved:
  those settled; complaints_resolved_in_time: settled within the deadline (`resolved_in_time`);
  median_resolution_hours: from opening to the settled outcome (`decided_at`).
Origin is the product's (`origin_province_code` / `origin_ward_code`), or its producer's when
the product has none.
"""

from __future__ import annotations

import statistics
import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Avg, Case, Count, F, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import AttemptStatus, PaymentAttempt
from shop import pagecache
from shop.complaints.models import OPEN_STATES, Complaint, State
from shop.fulfilment.models import Shipment
from shop.satisfaction import method
from shop.satisfaction.models import MonthlyFigures, Scope

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FLOOR_KEY = 0


class Median(models.Aggregate):
    """PostgreSQL's median of an interval, in hours."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = models.FloatField()


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_next(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in the floor's time zone."""
    start = datetime(month.year, month.month, 1, tzinfo=LOCAL)
    following = month_next(month)
    return start, datetime(following.year, following.month, 1, tzinfo=LOCAL)


def _origin(prefix: str, field: str) -> Case:
    """The line's origin: the product's when it has one, else its producer's."""
    own = "origin_province_code" if field == "province" else "origin_ward_code"
    fallback = "province_code" if field == "province" else "ward_code"
    return Case(
        When(
            **{f"{prefix}product__origin_province_code__isnull": False},
            then=F(f"{prefix}product__{own}"),
        ),
        default=F(f"{prefix}partner__{fallback}"),
        output_field=models.IntegerField(),
    )


def _grouped(queryset, scope: str, line: str, measures: dict) -> dict:
    """Run `measures` over `queryset` for one scope: {key: {measure: value}}. `line` is the
    path from the queryset's model to order lines (for origins)."""
    if scope == Scope.FLOOR:
        return {FLOOR_KEY: queryset.aggregate(**measures)}
    if scope == Scope.PRODUCER:
        queryset = queryset.annotate(group=F("partner_id"))
    else:
        field = "province" if scope == Scope.PROVINCE else "commune"
        queryset = queryset.annotate(group=_origin(line, field))
    rows = queryset.values("group").annotate(**measures).order_by()
    return {row.pop("group"): row for row in rows if row["group"] is not None}


def _shipments(start: datetime, end: datetime, scope: str) -> dict:
    placed = Q(order__date_placed__gte=start, order__date_placed__lt=end) & ~Q(
        status=Shipment.Status.PENDING
    )
    delivered = Q(delivered_at__gte=start, delivered_at__lt=end, expected_delivery__isnull=False)
    queryset = Shipment.objects.filter(
        Q(order__date_placed__gte=start, order__date_placed__lt=end)
        | Q(delivered_at__gte=start, delivered_at__lt=end)
    ).annotate(delivered_day=TruncDate("delivered_at", tzinfo=LOCAL))
    line = ""
    if scope in (Scope.PROVINCE, Scope.COMMUNE):
        # The shipment's own lines: those of its order from its producer.
        queryset = queryset.filter(order__lines__partner=F("partner"))
        line = "order__lines__"
    return _grouped(
        queryset,
        scope,
        line,
        {
            "orders": Count("order_id", distinct=True, filter=placed),
            "placed": Count("pk", distinct=True, filter=placed),
            "cancelled": Count(
                "pk", distinct=True, filter=placed & Q(status=Shipment.Status.CANCELLED)
            ),
            "delivered": Count("pk", distinct=True, filter=delivered),
            "delivered_on_time": Count(
                "pk",
                distinct=True,
                filter=delivered & Q(delivered_day__lte=F("expected_delivery")),
            ),
        },
    )


def _reviews(start: datetime, end: datetime, scope: str) -> dict:
    ProductReview = get_model("reviews", "ProductReview")
    queryset = ProductReview.objects.filter(
        status=ProductReview.APPROVED, date_created__gte=start, date_created__lt=end
    )
    return _grouped(queryset, scope, "", {"reviews": Count("pk"), "rating": Avg("score")})


def _complaints(start: datetime, end: datetime, scope: str) -> dict:
    queryset = Complaint.objects.filter(opened_at__gte=start, opened_at__lt=end).exclude(
        state=State.WITHDRAWN
    )
    settled = Q(resolved_in_time__isnull=False)
    duration = models.ExpressionWrapper(
        F("decided_at") - F("opened_at"), output_field=models.DurationField()
    )
    measures = {
        "complaints": Count("pk"),
        "complaints_resolved": Count("pk", filter=settled),
        "complaints_resolved_in_time": Count("pk", filter=Q(resolved_in_time=True)),
    }
    if connection.vendor == "postgresql":
        measures["median_resolution_seconds"] = Median(duration, filter=Q(decided_at__isnull=False))
        return _grouped(queryset, scope, "line__", measures)
    # SQLite (the embedded demo) has no median: the same figure, computed here
    grouped = _grouped(queryset, scope, "line__", measures)
    decided = queryset.filter(decided_at__isnull=False)
    if scope == Scope.FLOOR:
        decided = decided.annotate(group=models.Value(FLOOR_KEY))
    elif scope == Scope.PRODUCER:
        decided = decided.annotate(group=F("partner_id"))
    else:
        field = "province" if scope == Scope.PROVINCE else "commune"
        decided = decided.annotate(group=_origin("line__", field))
    durations = defaultdict(list)
    for group, opened, decided_at in decided.values_list("group", "opened_at", "decided_at"):
        durations[group].append((decided_at - opened).total_seconds())
    for group, row in grouped.items():
        row["median_resolution_seconds"] = (
            statistics.median(durations[group]) if durations.get(group) else None
        )
    return grouped


def _payments(start: datetime, end: datetime, scope: str) -> dict:
    concluded = Q(status__in=[s for s in AttemptStatus if s != AttemptStatus.PENDING])
    queryset = PaymentAttempt.objects.filter(created_at__gte=start, created_at__lt=end)
    if scope == Scope.FLOOR:
        return {
            FLOOR_KEY: queryset.aggregate(
                attempts=Count("pk", filter=concluded),
                paid=Count("pk", filter=Q(status=AttemptStatus.PAID)),
            )
        }
    # An attempt pays for the whole order: it counts for each producer and origin in it.
    if scope == Scope.PRODUCER:
        group = F("order__lines__partner_id")
    else:
        field = "province" if scope == Scope.PROVINCE else "commune"
        group = _origin("order__lines__", field)
    rows = (
        queryset.annotate(group=group)
        .values("group")
        .annotate(
            attempts=Count("pk", distinct=True, filter=concluded),
            paid=Count("pk", distinct=True, filter=Q(status=AttemptStatus.PAID)),
        )
        .order_by()
    )
    return {row.pop("group"): row for row in rows if row["group"] is not None}


def _hours(seconds) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_final(*, month: date, now: datetime) -> bool:
    """Closed and settled: past the complaint window and the resolution deadline after the
    month's end, and none of its complaints still open."""
    start, end = month_bounds(month)
    settle = end + timedelta(days=settings.COMPLAINT_WINDOW_DAYS + settings.COMPLAINT_RESOLVE_DAYS)
    if now < settle:
        return False
    return not Complaint.objects.filter(
        opened_at__gte=start, opened_at__lt=end, state__in=OPEN_STATES
    ).exists()


@transaction.atomic
def month_compute(*, month: date, now: datetime | None = None) -> list[MonthlyFigures]:
    """Compute every scope's figures for `month` (any day of it) and replace its rows."""
    now = now or timezone.now()
    month = month_start(month)
    start, end = month_bounds(month)
    final = month_final(month=month, now=now)
    rows = []
    for scope in (Scope.FLOOR, Scope.PRODUCER, Scope.PROVINCE, Scope.COMMUNE):
        parts = [
            _shipments(start, end, scope),
            _reviews(start, end, scope),
            _complaints(start, end, scope),
            _payments(start, end, scope),
        ]
        merged: dict[int, dict] = defaultdict(dict)
        for part in parts:
            for key, values in part.items():
                merged[key].update(values)
        if scope == Scope.FLOOR:
            merged.setdefault(FLOOR_KEY, {})
        for key, values in merged.items():
            measures = method.Measures(
                orders=values.get("orders") or 0,
                placed=values.get("placed") or 0,
                cancelled=values.get("cancelled") or 0,
                attempts=values.get("attempts") or 0,
                paid=values.get("paid") or 0,
                delivered=values.get("delivered") or 0,
                delivered_on_time=values.get("delivered_on_time") or 0,
                reviews=values.get("reviews") or 0,
                rating=values.get("rating"),
                complaints=values.get("complaints") or 0,
                complaints_resolved=values.get("complaints_resolved") or 0,
                complaints_resolved_in_time=values.get("complaints_resolved_in_time") or 0,
            )
            if (
                not (
                    measures.orders or measures.delivered or measures.reviews or measures.complaints
                )
                and scope != Scope.FLOOR
            ):
                continue  # only payment attempts: nothing to publish
            dimensions, index = method.score(measures)
            rating = values.get("rating")
            rows.append(
                MonthlyFigures(
                    month=month,
                    scope=scope,
                    key=key,
                    orders=measures.orders,
                    delivered=measures.delivered,
                    delivered_on_time=measures.delivered_on_time,
                    reviews=measures.reviews,
                    rating=None
                    if rating is None
                    else Decimal(str(rating)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                    complaints=measures.complaints,
                    complaints_resolved=measures.complaints_resolved,
                    complaints_resolved_in_time=measures.complaints_resolved_in_time,
                    median_resolution_hours=_hours(values.get("median_resolution_seconds")),
                    dimensions=dimensions,
                    index=index,
                    computed_at=now,
                    final=final,
                )
            )
    before = {_compared(f) for f in MonthlyFigures.objects.filter(month=month)}
    MonthlyFigures.objects.filter(month=month).delete()
    MonthlyFigures.objects.bulk_create(rows)
    if before != {_compared(f) for f in rows}:
        transaction.on_commit(pagecache.bump_generation)  # the public page shows new figures
    return rows


def _compared(figures: MonthlyFigures) -> tuple:
    """What the pages show of a row (not when it was computed)."""
    return (
        figures.scope,
        figures.key,
        figures.orders,
        figures.delivered,
        figures.delivered_on_time,
        figures.reviews,
        figures.rating,
        figures.complaints,
        figures.complaints_resolved,
        figures.complaints_resolved_in_time,
        figures.median_resolution_hours,
        tuple(sorted(figures.dimensions.items())),
        figures.index,
        figures.final,
    )


def index_refresh(*, now: datetime | None = None, months: int = 13) -> list[date]:
    """Recompute the last `months` months (this one included) that are not final yet; a final
    month's rows are kept as they are. Returns the months computed."""
    now = now or timezone.now()
    month = month_start(timezone.localtime(now, LOCAL).date())
    wanted = []
    for _ in range(months):
        wanted.append(month)
        month = month_start(month - timedelta(days=1))
    done = set(
        MonthlyFigures.objects.filter(month__in=wanted, scope=Scope.FLOOR, final=True).values_list(
            "month", flat=True
        )
    )
    computed = []
    for month in reversed(wanted):
        if month in done:
            continue
        month_compute(month=month, now=now)
        computed.append(month)
    return computed
