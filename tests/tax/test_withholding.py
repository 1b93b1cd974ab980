"""Tax withheld on household sales (Decree 117/2025/NĐ-CP): per producer type, refunds across
periods, statements' totals and documents."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from shop.settlements import services, tasks
from shop.settlements.models import Entry, EntryKind, Statement
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DELIVERED = datetime(2026, 11, 10, 9, 0, tzinfo=HCM)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=HCM)
REFUNDED = datetime(2026, 12, 3, 10, 0, tzinfo=HCM)  # after November's statement was issued


def _maker(name, kind, **kwargs):
    partner = helpers.producer(name, **kwargs)
    partner.kind = kind
    partner.tax_id = "001085012345" if kind == "household" else "0100109106"
    partner.save()
    return partner


@pytest.fixture
def three():
    """A household, a cooperative and an enterprise each sell 333 333 đ on one paid order."""
    operator = helpers.operator()
    makers = {
        kind: _maker(f"Người bán {kind}", kind)
        for kind in ("household", "cooperative", "enterprise")
    }
    products = {
        kind: helpers.product(maker, price="333333", title=f"Hàng {kind}")
        for kind, maker in makers.items()
    }
    placed = helpers.pay(helpers.order([(p, 1) for p in products.values()]), operator)
    for maker in makers.values():
        helpers.deliver(placed, maker, DELIVERED, charge=Decimal(30000))
    return {"operator": operator, "order": placed, **makers}


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_household_sales_are_withheld_cooperatives_and_enterprises_not(three):
    services.entries_record(now=NOW)
    sale = Entry.objects.get(partner=three["household"], kind=EntryKind.SALE)
    # VAT 1 % of 333 333 = 3 333.33 -> 3 333; PIT 0.5 % = 1 666.665 -> 1 667 (half-up)
    assert (sale.gross, sale.commission, sale.vat_withheld, sale.pit_withheld, sale.net) == (
        Decimal(333333),
        Decimal(26667),
        Decimal(3333),
        Decimal(1667),
        Decimal(333333 - 26667 - 3333 - 1667),
    )
    for kind in ("cooperative", "enterprise"):
        other = Entry.objects.get(partner=three[kind], kind=EntryKind.SALE)
        assert (other.vat_withheld, other.pit_withheld) == (0, 0)
        assert other.net == Decimal(333333 - 26667)
    # Shipping is never withheld on.
    shipping = Entry.objects.filter(kind=EntryKind.SHIPPING)
    assert shipping.count() == 3
    assert all(e.vat_withheld == 0 and e.pit_withheld == 0 for e in shipping)


@override_settings(TAX_WITHHOLDING_START="2026-12-01")
def test_nothing_is_withheld_before_the_start_date(three):
    services.entries_record(now=NOW)
    sale = Entry.objects.get(partner=three["household"], kind=EntryKind.SALE)
    assert (sale.vat_withheld, sale.pit_withheld) == (0, 0)


@override_settings(
    TAX_WITHHOLDING_RATES={"goods": {"vat": Decimal("0.05"), "pit": Decimal("0.02")}}
)
def test_rates_are_settings(three):
    services.entries_record(now=NOW)
    sale = Entry.objects.get(partner=three["household"], kind=EntryKind.SALE)
    assert (sale.vat_withheld, sale.pit_withheld) == (Decimal(16667), Decimal(6667))


@override_settings(TAX_WITHHOLDING_ANNUAL_THRESHOLD=Decimal(500000))
def test_an_annual_threshold_withholds_only_above_it():
    operator = helpers.operator()
    maker = _maker("Hộ Giàng A Pao", "household")
    honey = helpers.product(maker, price="300000")
    for day in (3, 4):  # 300 000 then 300 000: the second crosses 500 000 by 100 000
        placed = helpers.pay(helpers.order([(honey, 1)]), operator)
        helpers.deliver(placed, maker, datetime(2026, 11, day, 9, tzinfo=HCM))
        services.entries_record(now=datetime(2026, 11, day, 12, tzinfo=HCM))
    first, second = Entry.objects.filter(kind=EntryKind.SALE).order_by("earned_at")
    assert (first.vat_withheld, first.pit_withheld) == (0, 0)
    assert (second.vat_withheld, second.pit_withheld) == (Decimal(1000), Decimal(500))


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_a_refund_in_a_later_period_gives_the_tax_back_there(three):
    household = three["household"]
    services.statements_close(now=datetime(2026, 11, 16, 1, tzinfo=HCM))
    november = Statement.objects.get(partner=household)
    assert (november.vat_withheld, november.pit_withheld) == (Decimal(3333), Decimal(1667))
    assert november.net == Decimal(333333 + 30000 - 26667 - 3333 - 1667)

    # A full refund in December gives everything back, in December's statement.
    helpers.refund(three["order"], household, 333333, actor=three["operator"], at=REFUNDED)
    # ... and a new December sale that it offsets
    honey = helpers.product(household, price="100000", title="Mật ong")
    later = helpers.pay(helpers.order([(honey, 1)]), three["operator"])
    helpers.deliver(later, household, datetime(2026, 12, 4, 9, tzinfo=HCM))
    services.statements_close(now=datetime(2026, 12, 16, 1, tzinfo=HCM))
    december = Statement.objects.get(partner=household, period_start__day=1, period_start__month=12)
    refund = Entry.objects.get(kind=EntryKind.REFUND, partner=household)
    assert refund.statement == december
    assert (refund.vat_withheld, refund.pit_withheld) == (Decimal(-3333), Decimal(-1667))
    assert (december.vat_withheld, december.pit_withheld) == (
        Decimal(1000 - 3333),
        Decimal(500 - 1667),
    )
    assert december.gross_sales == Decimal(100000) and december.refunds == Decimal(-333333)
    november.refresh_from_db()
    assert november.vat_withheld == Decimal(3333)  # the earlier period is not reopened


def test_a_partial_refund_gives_back_its_share():
    operator = helpers.operator()
    maker = _maker("Hộ Giàng A Pao", "household")
    honey = helpers.product(maker, price="200000")
    placed = helpers.pay(helpers.order([(honey, 1)]), operator)
    helpers.deliver(placed, maker, DELIVERED)
    services.entries_record(now=NOW)
    helpers.refund(placed, maker, 50000, actor=operator, at=REFUNDED)
    services.entries_record(now=datetime(2026, 12, 5, tzinfo=HCM))
    refund = Entry.objects.get(kind=EntryKind.REFUND)
    assert (refund.vat_withheld, refund.pit_withheld) == (Decimal(-500), Decimal(-250))
    assert refund.net == refund.gross - refund.commission + 500 + 250


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_statement_page_csv_pdf_and_email_show_tax_apart(client, three):
    three["household"].email = "ho.giang@example.com"
    three["household"].save()
    services.statements_close(now=datetime(2026, 11, 16, 1, tzinfo=HCM))
    statement = Statement.objects.get(partner=three["household"])
    client.force_login(three["operator"])
    page = client.get(reverse("settlements-dashboard:detail", kwargs={"pk": statement.pk}))
    html = page.content.decode()
    assert 'id="statement-vat">3.333' in html.replace("\xa0", " ")
    assert 'id="statement-pit">1.667' in html.replace("\xa0", " ")

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("settlements-dashboard:csv", kwargs={"pk": statement.pk})
                ).content.decode("utf-8-sig")
            )
        )
    )
    sale = next(r for r in rows if len(r) > 8 and r[2] == "Hàng household")
    assert sale[4:9] == ["333333", "26667", "3333", "1667", "301666"]
    assert ["-3333", "-1667", str(statement.net)] == [r[1] for r in rows[-3:]]

    pdf = client.get(reverse("settlements-dashboard:pdf", kwargs={"pk": statement.pk}))
    text = pypdfium2.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert "117/2025" in text and "3.333 ₫" in text and "1.667 ₫" in text

    mail.outbox.clear()
    tasks.send_statement_email(statement_id=statement.pk)
    (message,) = mail.outbox
    assert "3.333" in message.body and "1.667" in message.body and "117/2025" in message.body
