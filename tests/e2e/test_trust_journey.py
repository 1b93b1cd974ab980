"""Trust, the whole way, in headless Chromium on a 360 px phone.

A buyer paid by VNPay for honey from one producer and tea from another; both parcels arrived.
She reviews the honey with a photo from her order page, then complains that the tea arrived
damaged and asks for her money back. The tea's producer lets the 48 hours pass: the complaint
goes to the operators by itself. An operator decides on a refund with a reason; the refund
goes back through VNPay's refund API (its simulator, served by the live server) and is clawed
back from the producer's next statement. The public satisfaction index, recomputed as its
periodic task does, moves with it: the honey producer's rating appears, the tea producer's
complaints and their handling show.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image
from playwright.sync_api import expect

from payments.models import Refund
from shop.complaints.models import Complaint, ComplaintStep, State
from shop.complaints.services import complaints_deadlines
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain
from shop.satisfaction.models import MonthlyFigures, Scope
from shop.satisfaction.services import index_refresh
from shop.settings.simulators import simulated_gateways
from shop.settlements.models import Entry, EntryKind
from tests import factories
from tests.browser import assert_fits, phone_context
from tests.fulfilment.cod_helpers import advance, buyer, owned_by
from tests.fulfilment.test_aftersale_refund import vnpay_two_producer_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ProductReview = get_model("reviews", "ProductReview")
Line = get_model("order", "Line")


def drain() -> None:
    """A worker carries out what the outbox holds (e-mails, the remedy), as it would."""
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    outbox_drain(inline=True)


def producer_row(page, name: str):
    return page.locator("tr", has=page.get_by_role("link", name=name, exact=True))


def test_review_complaint_missed_deadline_refund_and_the_index(
    live_server, browser, client, screenshot, tmp_path
):
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        order, honey_maker, tea_maker = vnpay_two_producer_order(client)
        mai = buyer()
        owned_by(order, mai)
        for shipment in order.shipments.all():
            advance(shipment, "delivered")
        drain()
        honey_line = Line.objects.get(order=order, partner=honey_maker)
        tea_line = Line.objects.get(order=order, partner=tea_maker)
        index_refresh()
        month = timezone.localtime().strftime("%Y-%m")
        before = MonthlyFigures.objects.get(scope=Scope.PRODUCER, key=tea_maker.pk)
        assert (before.complaints, before.reviews) == (0, 0)

        photo = tmp_path / "mat-ong.jpg"
        Image.new("RGB", (64, 48), (200, 150, 30)).save(photo, format="JPEG")
        context = phone_context(browser, live_server.url, user=mai)
        page = context.new_page()

        # 1. The honey: five stars and a photo, from the order page.
        page.goto(f"{live_server.url}/shop/accounts/orders/{order.number}/")
        page.get_by_role("link", name=f"Đánh giá {honey_line.description}").click()
        page.get_by_label("5 sao: rất tốt").check()
        page.get_by_label("Nhận xét của bạn").fill("Mật ong thơm mùi hoa bạc hà, rất sánh.")
        page.get_by_label("Ảnh (không bắt buộc)").set_input_files(str(photo))
        assert_fits(page)
        page.get_by_role("button", name="Đăng đánh giá").click()
        expect(page.get_by_text("Đã đánh giá")).to_be_visible()
        review = ProductReview.objects.get()
        assert (review.line_id, review.score, review.photos.count()) == (honey_line.pk, 5, 1)

        # The review is public on the honey's page, as a verified purchase.
        page.goto(live_server.url + honey_line.product.get_absolute_url())
        reviews = page.locator("#reviews")
        expect(reviews).to_contain_text("Mật ong thơm mùi hoa bạc hà")
        expect(reviews).to_contain_text("Đã mua hàng")

        # 2. The tea: a complaint, the money back wanted.
        page.goto(f"{live_server.url}/shop/accounts/orders/{order.number}/")
        page.locator(".line-complain").filter(has_text=tea_line.description).click()
        page.get_by_label("Hư hỏng, dập vỡ").check()
        page.get_by_label("Sự việc").fill("Hộp chè bị bẹp, túi bên trong rách, chè đổ ra ngoài.")
        page.get_by_label("Hoàn tiền", exact=True).check()
        assert_fits(page)
        screenshot(page, "complaint-open-vi-360")
        page.get_by_role("button", name="Gửi khiếu nại").click()
        complaint = Complaint.objects.get()
        assert (complaint.line_id, complaint.state) == (tea_line.pk, State.OPEN)
        expect(page.get_by_text(complaint.reference).first).to_be_visible()
        context.close()

        # 3. The producer says nothing for 48 hours: the operators have it.
        later = complaint.answer_due_at + timedelta(minutes=1)
        assert complaints_deadlines(now=later)["escalated"] == 1
        complaint.refresh_from_db()
        assert complaint.state == State.ESCALATED and complaint.escalated_automatically
        drain()

        # 4. An operator refunds, with a reason.
        context = phone_context(browser, live_server.url, user=factories.operator())
        page = context.new_page()
        page.goto(f"{live_server.url}/dashboard/complaints/{complaint.pk}/")
        page.locator("#id_remedy").select_option("refund", force=True)
        page.get_by_label("Số tiền hoàn (đồng)").fill(str(int(tea_line.line_price_incl_tax)))
        page.get_by_label("Lý do quyết định").fill(
            "Ảnh cho thấy hộp chè bị bẹp khi giao; nhà sản xuất không trả lời trong 48 giờ."
        )
        assert_fits(page)
        page.get_by_role(
            "button", name=re.compile("Ghi nhận quyết định|Record the decision")
        ).click()
        expect(page.locator(".complaint-state")).to_have_text(
            re.compile("Đang thực hiện|Đã giải quyết")
        )
        context.close()
        drain()  # the remedy: VNPay's refund API

    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED, complaint.execution_error
    refund = complaint.refund
    assert refund.status == Refund.Status.ACCEPTED and refund.gateway_reference
    assert refund.partner_id == tea_maker.pk
    assert refund.amount == tea_line.unit_price_incl_tax * complaint.quantity
    kinds = list(complaint.steps.order_by("pk").values_list("kind", flat=True))  # time travelled
    Kind = ComplaintStep.Kind
    assert kinds[:2] == [Kind.OPENED, Kind.DEADLINE_MISSED]
    assert Kind.DECIDED in kinds and Kind.REFUNDED in kinds and kinds[-1] == Kind.RESOLVED

    # The refund comes off the tea producer's earnings.
    from shop.settlements import services as settlements

    settlements.entries_record(now=timezone.now() + timedelta(days=1))
    clawback = Entry.objects.get(partner=tea_maker, kind=EntryKind.REFUND)
    assert clawback.gross == -refund.amount and clawback.net < 0

    # 5. The index, recomputed by its periodic task, moves; the public page shows it.
    index_refresh()
    tea = MonthlyFigures.objects.get(month=before.month, scope=Scope.PRODUCER, key=tea_maker.pk)
    honey = MonthlyFigures.objects.get(month=before.month, scope=Scope.PRODUCER, key=honey_maker.pk)
    assert (tea.complaints, tea.complaints_resolved, tea.complaints_resolved_in_time) == (1, 1, 1)
    assert honey.reviews == 1 and honey.rating == Decimal("5.00")
    floor = MonthlyFigures.objects.get(month=before.month, scope=Scope.FLOOR, key=0)
    assert floor.complaints == 1 and floor.median_resolution_hours is not None

    context = phone_context(browser, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/satisfaction/?month={month}&sort=name")
    expect(producer_row(page, honey_maker.name)).to_contain_text("5,0")
    assert_fits(page)
    screenshot(page, "satisfaction-after-journey-vi-360")
    context.close()
