"""The floor's public figures by commune, as the province shows them to its citizens.

Per commune of the producer (Partner.ward_code, named by shop.geo): the producers on the
floor (public, not suspended), their products on sale (public, canonical) and the income the
floor paid them this calendar year (settlement statements PAID whose ``paid_at`` falls in the
year, their ``net``: what reached the producers' accounts, after commission and tax withheld).
Income goes to the commune of the producer paid, whether or not it still sells.

Three grouped queries; the numbers (not the names, which follow the page's language) are kept
in the cache for ``FIGURES_CACHE_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from shop import charts as plot
from shop import geo
from shop.reporting import local_zone

CACHE_KEY = "figures:communes:v1:{year}"
DEFAULT_CACHE_SECONDS = 900


@dataclass(frozen=True)
class CommuneFigures:
    province_code: int | None
    ward_code: int | None
    producers: int = 0
    products: int = 0
    income: Decimal = Decimal(0)

    @property
    def name(self) -> str:
        """The commune in the page's language; "not given" when a producer has none."""
        from django.utils.translation import gettext as _

        ward = geo.ward(self.ward_code)
        if ward is None:
            return _("Commune not given")
        return geo.place_name(ward)

    @property
    def province_name(self) -> str:
        return geo.place_name(geo.province(self.province_code), short=True)


@dataclass(frozen=True)
class PublicFigures:
    year: int
    computed_at: datetime
    communes: list[CommuneFigures]

    @property
    def producers(self) -> int:
        return sum(c.producers for c in self.communes)

    @property
    def products(self) -> int:
        return sum(c.products for c in self.communes)

    @property
    def income(self) -> Decimal:
        return sum((c.income for c in self.communes), Decimal(0))


def cache_seconds() -> int:
    return getattr(settings, "FIGURES_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = local_zone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
    )


def _count_by_commune(*, year: int) -> list[tuple]:
    """(province, ward, producers, products, income) per commune, from the database."""
    Partner = get_model("partner", "Partner")
    Product = get_model("catalogue", "Product")
    Statement = get_model("settlements", "Statement")
    on_floor = {"is_public": True, "suspended_at__isnull": True}
    producers = (
        Partner.objects.filter(**on_floor)
        .values_list("province_code", "ward_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    products = (
        Product.objects.browsable()
        .filter(**{f"producer__{k}": v for k, v in on_floor.items()})
        .values_list("producer__province_code", "producer__ward_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    start, end = _year_bounds(year)
    income = (
        Statement.objects.filter(status=Statement.Status.PAID, paid_at__gte=start, paid_at__lt=end)
        .values_list("partner__province_code", "partner__ward_code")
        .annotate(total=Sum("net"))
        .order_by()
    )
    rows: dict[tuple, list] = {}
    for index, query in enumerate((producers, products, income)):
        for province, ward, value in query:
            row = rows.setdefault((province, ward), [0, 0, Decimal(0)])
            row[index] = value
    return [(province, ward, *values) for (province, ward), values in rows.items()]


def public_figures(*, now: datetime | None = None) -> PublicFigures:
    """This year's figures by commune: the most income first, then the most producers."""
    now = timezone.localtime(now or timezone.now(), local_zone())
    key = CACHE_KEY.format(year=now.year)
    cached = cache.get(key)
    if cached is None:
        cached = (now, _count_by_commune(year=now.year))
        cache.set(key, cached, cache_seconds())
    computed_at, rows = cached
    communes = [
        CommuneFigures(province, ward, producers, products, Decimal(income))
        for province, ward, producers, products, income in rows
    ]
    communes.sort(key=lambda c: (-c.income, -c.producers, -c.products, c.ward_code or 0))
    return PublicFigures(year=now.year, computed_at=computed_at, communes=communes)


def chart_data(figures: PublicFigures) -> dict:
    """What the chart draws (income per commune, in million đồng), as `shop.charts` specs."""
    from django.utils.translation import gettext as _

    return {
        "income": plot.chart(
            kind=plot.BAR,
            horizontal=True,
            row_height=2,  # every commune's bar, one under the other
            minimum=0,
            labels=[c.name for c in figures.communes],
            series=[
                plot.series(
                    _("Income paid to producers (million ₫)"),
                    [round(c.income / Decimal(1_000_000), 1) for c in figures.communes],
                )
            ],
        )
    }
