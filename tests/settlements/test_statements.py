"""Statements: closing periods, totals, documents, paying through VietQR, immutability."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.test import override_settings
from django.urls import reverse

from payments import vietqr
from shop.settlements import services, tasks
from shop.settlements.models import Entry, EntryKind, LedgerLocked, Statement
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LATE_ON_15TH = datetime(2026, 11, 15, 23, 59, tzinfo=HCM)
ON_16TH = datetime(2026, 11, 16, 0, 0, tzinfo=HCM)
CLOSING = datetime(2026, 11, 16, 1, 0, tzinfo=HCM)  # the first half has just ended


@pytest.fixture
def mixed():
    """One order with goods of two producers, paid, both delivered on the 15th at 23:59."""
    operator = helpers.operator()
    honey_maker = helpers.producer("HTX Mật ong bạc hà", rate=Decimal("0.1000"))
    tea_maker = helpers.producer("Hộ chè Shan tuyết")
    honey = helpers.product(honey_maker, price="350000", title="Mật ong bạc hà 500ml")
    tea = helpers.product(tea_maker, price="123457", title="Chè Shan tuyết 200g")
    placed = helpers.pay(helpers.order([(honey, 2), (tea, 1)]), operator)
    helpers.deliver(placed, honey_maker, LATE_ON_15TH, charge=Decimal(30000))
    helpers.deliver(placed, tea_maker, LATE_ON_15TH, charge=Decimal(25000))
    # Refunded after the first half closed: it belongs to the second half.
    helpers.refund(
        placed, honey_maker, 50000, actor=operator, at=datetime(2026, 11, 20, tzinfo=HCM)
    )
    return {"order": placed, "honey": honey_maker, "tea": tea_maker, "operator": operator}


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_statement_totals_for_two_producers_of_one_mixed_order(mixed):
    issued = services.statements_close(now=CLOSING)
    assert len(issued) == 2
    honey = Statement.objects.get(partner=mixed["honey"])
    assert (honey.period_start, honey.period_end) == (date(2026, 11, 1), date(2026, 11, 15))
    assert honey.status == Statement.Status.ISSUED
    assert honey.gross_sales == Decimal(700000)
    assert honey.shipping == Decimal(30000)
    assert honey.commission == Decimal(70000)
    assert honey.net == Decimal(660000)
    tea = Statement.objects.get(partner=mixed["tea"])
    assert tea.gross_sales == Decimal(123457)
    assert tea.commission == Decimal(9877)  # 9876.56
    assert tea.shipping == Decimal(25000)
    assert tea.net == Decimal(138580)
    assert set(honey.entries.values_list("kind", flat=True)) == {"sale", "shipping"}
    # Closing again issues nothing new.
    assert services.statements_close(now=CLOSING) == []


def test_the_period_boundary_is_local_midnight():
    operator = helpers.operator()
    maker = helpers.producer("Hộ chè Shan tuyết")
    tea = helpers.product(maker, price="100000")
    early = helpers.pay(helpers.order([(tea, 1)]), operator)
    late = helpers.pay(helpers.order([(tea, 1)]), operator)
    helpers.deliver(early, maker, LATE_ON_15TH)
    helpers.deliver(late, maker, ON_16TH)
    (statement,) = services.statements_close(now=CLOSING)
    assert list(statement.entries.values_list("order_id", flat=True)) == [early.pk]
    assert Entry.objects.get(order=late).statement is None
    # The next period takes the 16th's delivery.
    (second,) = tasks_close(datetime(2026, 12, 1, 0, 30, tzinfo=HCM))
    assert (second.period_start, second.period_end) == (date(2026, 11, 16), date(2026, 11, 30))
    assert list(second.entries.values_list("order_id", flat=True)) == [late.pk]


def tasks_close(now):
    """The beat task closes with the real clock; here the service it calls, at `now`."""
    return services.statements_close(now=now)


def test_the_beat_task_calls_the_service():
    assert tasks.close_periods() == 0  # nothing earned: nothing issued


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_a_negative_balance_is_carried_into_the_next_statement(mixed):
    services.statements_close(now=CLOSING)
    # The second half: only the honey refund, 50,000 back less 5,000 commission.
    (refund_only,) = services.statements_close(now=datetime(2026, 12, 1, 1, 0, tzinfo=HCM))
    assert refund_only.partner == mixed["honey"]
    assert refund_only.refunds == Decimal(-50000)
    assert refund_only.commission == Decimal(-5000)
    assert refund_only.net == Decimal(-45000)
    assert refund_only.status == Statement.Status.NOTHING_TO_PAY
    carried = Entry.objects.get(kind=EntryKind.CARRIED)
    assert carried.net == Decimal(-45000) and carried.statement is None
    with pytest.raises(services.StatementNotPayable):
        services.statement_pay(statement=refund_only, actor=mixed["operator"], bank_reference="X")

    # A later sale pays it back.
    helpers.deliver(
        helpers.pay(
            helpers.order([(helpers.product(mixed["honey"], price="100000"), 1)]),
            mixed["operator"],
        ),
        mixed["honey"],
        datetime(2026, 12, 3, tzinfo=HCM),
    )
    (next_one,) = services.statements_close(now=datetime(2026, 12, 16, 1, 0, tzinfo=HCM))
    assert next_one.carried == Decimal(-45000)
    assert next_one.net == Decimal(100000 - 10000 - 45000)
    assert next_one.status == Statement.Status.ISSUED


def _statement(mixed, name="honey"):
    services.statements_close(now=CLOSING)
    return Statement.objects.get(partner=mixed[name])


def test_csv_download_parses_back(client, mixed):
    statement = _statement(mixed)
    client.force_login(mixed["operator"])
    response = client.get(reverse("settlements-dashboard:csv", kwargs={"pk": statement.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == statement.reference
    assert rows[1][1] == "HTX Mật ong bạc hà"
    order_number = mixed["order"].number
    sale = next(row for row in rows if len(row) > 6 and row[2] == "Mật ong bạc hà 500ml")
    assert sale[1] == order_number
    # Tax withheld sits between the commission and the net (nothing withheld here).
    assert sale[3:9] == ["2", "700000", "70000", "0", "0", "630000"]
    shipping = next(row for row in rows if len(row) > 6 and row[4] == "30000")
    assert shipping[1] == order_number and shipping[5:8] == ["0", "0", "0"]
    assert rows[-1][1] == "660000"


def test_pdf_download_shows_the_net_in_vnd(client, mixed):
    statement = _statement(mixed)
    client.force_login(mixed["operator"])
    response = client.get(reverse("settlements-dashboard:pdf", kwargs={"pk": statement.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "660.000 ₫" in text
    assert "HTX Mật ong bạc hà" in text
    assert mixed["order"].number in text


def test_the_pay_page_shows_a_vietqr_code_for_the_exact_net(client, mixed):
    statement = _statement(mixed)
    client.force_login(mixed["operator"])
    page = client.get(reverse("settlements-dashboard:detail", kwargs={"pk": statement.pk}))
    assert page.status_code == 200
    payload = page.context["payload"]
    assert payload in page.content.decode()
    fields = vietqr.decode_payload(payload)  # raises unless the CRC is valid
    assert fields["38"]["01"] == {"00": "970436", "01": "0071000123456"}
    transfer = vietqr.read_transfer(payload)
    assert transfer.amount == Decimal(660000)
    assert transfer.reference == statement.reference
    assert 'id="statement-qr"' in page.content.decode()


def test_a_producer_without_a_payout_account_gets_a_warning_not_a_qr(client, mixed):
    tea = mixed["tea"]
    tea.payout_bank_bin = tea.payout_account_number = ""
    tea.save()
    statement = _statement(mixed, "tea")
    client.force_login(mixed["operator"])
    page = client.get(reverse("settlements-dashboard:detail", kwargs={"pk": statement.pk}))
    assert page.context["payload"] is None
    assert 'id="no-payout-account"' in page.content.decode()
    assert 'id="statement-qr"' not in page.content.decode()


def test_paying_records_who_and_reference_once_and_freezes_the_statement(client, mixed):
    statement = _statement(mixed)
    client.force_login(mixed["operator"])
    url = reverse("settlements-dashboard:pay", kwargs={"pk": statement.pk})
    assert client.post(url, {"bank_reference": ""}).status_code == 400
    response = client.post(url, {"bank_reference": "FT26320123456"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID
    assert statement.paid_by == mixed["operator"]
    assert statement.bank_reference == "FT26320123456"
    assert statement.paid_at is not None

    # Paying twice is refused, through the page and the service.
    client.post(url, {"bank_reference": "FT-AGAIN"})
    statement.refresh_from_db()
    assert statement.bank_reference == "FT26320123456"
    with pytest.raises(services.StatementAlreadyPaid):
        services.statement_pay(statement=statement, actor=mixed["operator"], bank_reference="Y")

    # The totals and entries cannot change.
    statement.net = Decimal(1)
    with pytest.raises(LedgerLocked):
        statement.save()
    with pytest.raises(LedgerLocked):
        Statement.objects.filter(pk=statement.pk).update(net=Decimal(1))
    with pytest.raises(LedgerLocked):
        Statement.objects.filter(pk=statement.pk).update(bank_reference="changed")
    with pytest.raises(LedgerLocked):
        statement.entries.update(statement=None)
    statement.refresh_from_db()
    assert statement.net == Decimal(660000)
    assert statement.entries.count() == 2


def test_operators_filter_statements(client, mixed):
    services.statements_close(now=CLOSING)
    client.force_login(mixed["operator"])
    url = reverse("settlements-dashboard:list")
    everything = client.get(url)
    assert len(everything.context["statements"]) == 2
    one = client.get(url, {"producer": mixed["tea"].pk, "day": "2026-11-10", "status": "issued"})
    assert [s.partner for s in one.context["statements"]] == [mixed["tea"]]
    assert not client.get(url, {"day": "2026-11-20"}).context["statements"]


def test_the_producer_is_e_mailed_when_a_statement_is_issued_and_when_it_is_paid(
    mixed, django_capture_on_commit_callbacks
):
    from django.core import mail

    honey = mixed["honey"]
    honey.email = "mat-ong@example.com"
    honey.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.statements_close(now=CLOSING)
    statement = Statement.objects.get(partner=honey)
    (issued,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert statement.reference in issued.subject and "660.000" in issued.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_pay(
            statement=statement, actor=mixed["operator"], bank_reference="FT26320123456"
        )
    (paid,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert "FT26320123456" in paid.body
