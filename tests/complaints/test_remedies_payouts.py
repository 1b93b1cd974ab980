"""Orders paid in cash on delivery or by bank transfer have no gateway refund: the buyer gives
an account, an operator transfers the money by the VietQR code on /dashboard/complaint-payouts/
and records it once; a cash order gives back no more than its parcel's cash that came in."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from payments import vietqr
from payments.models import PaymentAttempt, Refund
from shop.complaints import remedies, services
from shop.complaints.models import ComplaintStep, Remedy, State
from shop.complaints.services import ComplaintRefused
from shop.fulfilment import cod
from shop.outbox.models import OutboxMessage
from tests import factories
from tests.complaints.remedy_helpers import complaint_on, decide, kinds
from tests.fulfilment.cod_helpers import advance, buyer, cod_order, owned_by
from tests.payments import flow
from tests.payments.test_vietqr_flow import transfer

pytestmark = pytest.mark.django_db
Kind = ComplaintStep.Kind
HONEY_DUE = Decimal(350000 + 20000)
TEA_DUE = Decimal(2 * 200000 + 30000)
VCB = "970436"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what commits queue (the outbox hands the remedy over, eagerly, in tests)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def producer_of(partner):
    return partner.users.first() or factories.producer_user(partner)


def operator_client():
    page = Client()
    page.force_login(factories.operator())
    return page


def delivered_cod_honey(client, *, all_cash_in=True):
    order, honey, tea = cod_order(client)
    mai = buyer()
    owned_by(order, mai)
    honey = advance(honey, "delivered")
    assert cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn") == "collected"
    if all_cash_in:
        cod.cod_reported(shipment=tea, amount=TEA_DUE, source="webhook:ghtk")
    honey.refresh_from_db()
    return order, honey, mai


def test_cash_refund_asks_for_an_account_then_an_operator_pays_it_once(client, run_on_commit):
    order, honey, mai = delivered_cod_honey(client)
    complaint = run_on_commit(
        decide,
        complaint_on(honey, wish=Remedy.REFUND, user=mai),
        remedy=Remedy.REFUND,
        amount=500000,  # more than the parcel's cash: only what was collected goes back
        actor=producer_of(honey.partner),
    )
    assert complaint.state == State.EXECUTING
    assert kinds(complaint)[-1] == Kind.PAYOUT_ASKED and not Refund.objects.exists()
    assert OutboxMessage.objects.get(task="complaints.remedy_execute").done_at is not None

    page = operator_client()
    listing = page.get(reverse("complaint-payouts:list")).content.decode()
    assert complaint.reference in listing and 'class="alert alert-warning no-account"' in listing

    stranger = buyer("lan")
    with pytest.raises(ComplaintRefused):
        services.complaint_payout_account_give(
            complaint=complaint,
            user=stranger,
            bank_bin=VCB,
            account_number="0123456789",
            holder="X",
        )
    for bad in (
        {"bank_bin": "999999", "account_number": "0123456789", "holder": "Mai"},
        {"bank_bin": VCB, "account_number": "01234ab", "holder": "Mai"},
        {"bank_bin": VCB, "account_number": "123", "holder": "Mai"},
        {"bank_bin": VCB, "account_number": "0123456789", "holder": "  "},
    ):
        with pytest.raises(ComplaintRefused):
            services.complaint_payout_account_give(complaint=complaint, user=mai, **bad)
    complaint.refresh_from_db()
    assert complaint.payout_account_number == ""
    services.complaint_payout_account_give(
        complaint=complaint,
        user=mai,
        bank_bin=VCB,
        account_number=" 0123 4567 89 ",
        holder="Nguyễn Thị Mai",
    )
    complaint.refresh_from_db()
    assert complaint.payout_account_number == "0123456789"
    assert complaint.payout_account_holder == "NGUYỄN THỊ MAI"
    assert kinds(complaint)[-1] == Kind.PAYOUT_ACCOUNT

    listing = page.get(reverse("complaint-payouts:list")).content.decode()
    assert "data:image/svg+xml;base64," in listing and "370.000" in listing
    payload = listing.split('aria-label="Dữ liệu mã VietQR" readonly>')[1].split("<")[0]
    fields = vietqr.parse_tlv(payload)
    assert fields["54"] == "370000" and complaint.reference in fields["62"]
    assert VCB in fields["38"] and "0123456789" in fields["38"]

    # A producer cannot record it; an operator does, once.
    producer = Client()
    producer.force_login(producer_of(honey.partner))
    record = reverse("complaint-payouts:record", kwargs={"pk": complaint.pk})
    assert producer.post(record).status_code == 403
    assert not Refund.objects.exists()
    assert page.post(record).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and complaint.payout_recorded_at is not None
    refund = complaint.refund
    assert refund.status == Refund.Status.RECORDED and refund.amount == HONEY_DUE
    assert refund.partner == honey.partner
    assert kinds(complaint)[-2:] == [Kind.PAYOUT_RECORDED, Kind.RESOLVED]
    assert PaymentAttempt.objects.get(order=order).refunded == HONEY_DUE

    again = page.post(record, follow=True).content.decode()
    assert "đã được ghi nhận" in again or "already" in again
    assert Refund.objects.count() == 1
    assert complaint.reference not in page.get(reverse("complaint-payouts:list")).content.decode()
    with pytest.raises(ComplaintRefused):
        services.complaint_payout_account_give(
            complaint=complaint, user=mai, bank_bin=VCB, account_number="0999999999", holder="Mai"
        )


def test_a_cash_order_not_all_collected_waits_before_the_payout(client, run_on_commit):
    order, honey, mai = delivered_cod_honey(client, all_cash_in=False)
    complaint = complaint_on(honey, wish=Remedy.REFUND, user=mai)
    services.complaint_payout_account_give(
        complaint=complaint, user=mai, bank_bin=VCB, account_number="0123456789", holder="Mai"
    )
    complaint = run_on_commit(decide, complaint, remedy=Remedy.REFUND, amount=100000)
    assert Kind.PAYOUT_ASKED not in kinds(complaint)  # the account was already there
    page = operator_client()
    listing = page.get(reverse("complaint-payouts:list")).content.decode()
    record = reverse("complaint-payouts:record", kwargs={"pk": complaint.pk})
    assert complaint.reference in listing and record not in listing
    with pytest.raises(ComplaintRefused):
        remedies.complaint_payout_record(complaint=complaint, actor=factories.operator("op2"))
    assert not Refund.objects.exists()


def test_a_bank_transfer_order_is_refunded_by_payout(client, run_on_commit):
    response = flow.checkout(client, products=[(flow.honey(), 2)], method="vietqr")
    assert response.status_code == 302
    order = flow.latest_order()
    attempt = PaymentAttempt.objects.get(order=order)
    assert transfer(client, amount=order.total_incl_tax, description=attempt.reference).json()["ok"]
    attempt.refresh_from_db()
    assert attempt.status == "paid"
    mai = buyer()
    owned_by(order, mai)
    shipment = advance(order.shipments.get(), "delivered")
    complaint = run_on_commit(
        decide, complaint_on(shipment, wish=Remedy.REFUND, user=mai), remedy=Remedy.REFUND
    )
    assert kinds(complaint)[-1] == Kind.PAYOUT_ASKED
    services.complaint_payout_account_give(
        complaint=complaint, user=mai, bank_bin=VCB, account_number="0123456789", holder="Mai"
    )
    operator = factories.operator()
    complaint = remedies.complaint_payout_record(complaint=complaint, actor=operator)
    assert complaint.state == State.RESOLVED
    assert complaint.refund.amount == complaint.line.unit_price_incl_tax
    assert complaint.refund.status == Refund.Status.RECORDED
    assert complaint.refund.created_by == operator
    with pytest.raises(ComplaintRefused):
        remedies.complaint_payout_record(complaint=complaint, actor=operator)


def test_an_operator_queues_a_failed_remedy_again(client, run_on_commit):
    order, honey, mai = delivered_cod_honey(client)
    complaint = run_on_commit(
        decide, complaint_on(honey, wish=Remedy.REFUND, user=mai), remedy=Remedy.REFUND
    )
    type(complaint).objects.filter(pk=complaint.pk).update(execution_error="Ngân hàng bảo trì")
    page = operator_client()
    listing = page.get(reverse("complaint-payouts:list")).content.decode()
    assert "Ngân hàng bảo trì" in listing
    retry = reverse("complaint-payouts:retry", kwargs={"pk": complaint.pk})
    response = run_on_commit(page.post, retry)
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(task="complaints.remedy_execute").count() == 2
    assert kinds(complaint)[-1] == Kind.NOTE
    assert Client().post(retry).status_code == 302  # anonymous: to the login page
    assert OutboxMessage.objects.filter(task="complaints.remedy_execute").count() == 2


def test_a_guest_gives_the_account_through_the_order_link_only(client):
    order, honey, mai = delivered_cod_honey(client)
    complaint = complaint_on(honey, wish=Remedy.REFUND, user=mai)
    type(complaint).objects.filter(pk=complaint.pk).update(user=None)  # a guest's complaint
    type(order).objects.filter(pk=order.pk).update(user=None)
    complaint.refresh_from_db()
    order.refresh_from_db()
    with pytest.raises(ComplaintRefused):  # a signed-in stranger
        services.complaint_payout_account_give(
            complaint=complaint,
            user=buyer("lan"),
            bank_bin=VCB,
            account_number="0123456789",
            holder="Lan",
        )
    with pytest.raises(ComplaintRefused):  # without the order's signed link
        services.complaint_payout_account_give(
            complaint=complaint, user=None, bank_bin=VCB, account_number="0123456789", holder="Mai"
        )
    services.complaint_payout_account_give(  # with it
        complaint=complaint,
        user=None,
        order_hash=order.verification_hash(),
        bank_bin=VCB,
        account_number="0123456789",
        holder="Mai",
    )
    step = complaint.steps.get(kind=Kind.PAYOUT_ACCOUNT)
    assert step.actor is None and step.text.endswith("6789")
