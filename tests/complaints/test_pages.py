"""The complaint pages: the buyer's (from the order page to the complaint's page, its photos,
their replies), the producer's (list and answer) and the operators' (queue and decision).
Another buyer, producer or anonymous visitor gets nothing and changes nothing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shop.complaints import opening, services
from shop.complaints.models import Complaint, ComplaintStep, Reason, Remedy, State
from shop.fulfilment.models import Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(world):
    """The honey delivered yesterday (inside the window, in real time)."""
    Shipment.objects.filter(pk=world.honey.pk).update(
        delivered_at=timezone.now() - timezone.timedelta(days=1)
    )
    world.honey.refresh_from_db()
    return world


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(out, format="PNG")
    return SimpleUploadedFile("vo.png", out.getvalue(), content_type="image/png")


def opened(world, **kw) -> Complaint:
    values = dict(
        line=world.honey_line,
        user=world.mai,
        reason=Reason.DAMAGED,
        description="Hũ mật ong bị vỡ nắp khi nhận hàng.",
        wish=Remedy.REFUND,
        quantity=1,
        photos=[png()],
    )
    values.update(kw)
    return opening.complaint_open(**values)


def test_the_order_page_offers_a_complaint_on_the_delivered_line_only(recent):
    client = recent.client_for(recent.mai)
    page = client.get(reverse("customer:order", kwargs={"order_number": recent.order.number}))
    html = page.content.decode()
    open_url = reverse("complaints:open", kwargs={"line_id": recent.honey_line.pk})
    assert open_url in html
    # The tea is shipped and not late yet: no button.
    assert reverse("complaints:open", kwargs={"line_id": recent.tea_line.pk}) not in html
    complaint = opened(recent)
    html = client.get(
        reverse("customer:order", kwargs={"order_number": recent.order.number})
    ).content.decode()
    assert complaint.reference in html and open_url not in html


def test_the_buyer_opens_a_complaint_with_a_photo_and_follows_it(recent):
    client = recent.client_for(recent.mai)
    url = reverse("complaints:open", kwargs={"line_id": recent.honey_line.pk})
    form = client.get(url)
    assert form.status_code == 200 and "complaint-window" in form.content.decode()
    response = client.post(
        url,
        {
            "reason": Reason.DAMAGED,
            "description": "Hũ mật ong bị vỡ nắp khi nhận hàng.",
            "wish": Remedy.REFUND,
            "quantity": 1,
            "photos": [png()],
            "bank_bin": "970436",
            "account_number": "0123456789",
            "account_holder": "Nguyen Thi Mai",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "complaints:detail", kwargs={"reference": complaint.reference}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Hũ mật ong bị vỡ nắp" in page and "complaint-step-opened" in page
    photo = client.get(
        reverse("complaints:photo", kwargs={"reference": complaint.reference, "position": 0})
    )
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["Content-Security-Policy"].startswith("sandbox")
    assert complaint.payout_account_number == "0123456789"


def test_bad_input_on_the_form_is_explained_and_changes_nothing(recent):
    client = recent.client_for(recent.mai)
    url = reverse("complaints:open", kwargs={"line_id": recent.honey_line.pk})
    response = client.post(url, {"reason": "bored", "description": "", "quantity": 9})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    fake = SimpleUploadedFile("a.png", b"GIF89a not really", "image/png")
    response = client.post(
        url,
        {
            "reason": Reason.DAMAGED,
            "description": "Hũ mật ong bị vỡ nắp khi nhận hàng.",
            "wish": Remedy.REFUND,
            "quantity": 1,
            "photos": [fake],
        },
    )
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_another_buyer_cannot_see_or_act_on_the_complaint(recent):
    from tests.fulfilment.cod_helpers import buyer

    complaint = opened(recent)
    other = recent.client_for(buyer("lan"))
    ref = {"reference": complaint.reference}
    assert other.get(reverse("complaints:detail", kwargs=ref)).status_code == 404
    assert other.get(reverse("complaints:photo", kwargs={**ref, "position": 0})).status_code == 404
    for action in ("accept", "escalate", "withdraw"):
        assert (
            other.post(reverse("complaints:reply", kwargs=ref), {"action": action}).status_code
            == 404
        )
    response = other.post(
        reverse("complaints:account", kwargs=ref),
        {"bank_bin": "970436", "account_number": "9999999999", "account_holder": "LAN"},
    )
    assert response.status_code == 404
    line_url = reverse("complaints:open", kwargs={"line_id": recent.honey_line.pk})
    assert other.get(line_url).status_code == 404
    assert "KN-" not in other.get(reverse("complaints:list")).content.decode()
    anonymous = Client()
    assert anonymous.get(reverse("complaints:detail", kwargs=ref)).status_code == 404
    assert anonymous.get(reverse("complaints:list")).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.OPEN and complaint.steps.count() == 1


def test_the_buyer_replies_on_the_complaint_page(recent):
    complaint = opened(recent)
    services.complaint_answer(
        complaint=complaint,
        user=recent.honey_user,
        partner=recent.honey_maker,
        kind="reject",
        text="Ảnh chưa rõ.",
    )
    client = recent.client_for(recent.mai)
    ref = {"reference": complaint.reference}
    page = client.get(reverse("complaints:detail", kwargs=ref)).content.decode()
    assert "Ảnh chưa rõ." in page and 'value="escalate"' in page
    client.post(reverse("complaints:reply", kwargs=ref), {"action": "escalate", "text": "Không"})
    complaint.refresh_from_db()
    assert complaint.state == State.ESCALATED
    # A second reply no longer fits: said, nothing changes.
    response = client.post(
        reverse("complaints:reply", kwargs=ref), {"action": "accept"}, follow=True
    )
    assert "no answer from the producer" in response.content.decode()
    assert Complaint.objects.get().state == State.ESCALATED


def test_the_buyers_list_is_in_the_account_menu_in_both_languages(recent):
    complaint = opened(recent)
    client = recent.client_for(recent.mai)
    vi = client.get("/shop/complaints/").content.decode()
    assert complaint.reference in vi and "Khiếu nại của tôi" in vi
    en = client.get("/en/shop/complaints/").content.decode()
    assert complaint.reference in en and "My complaints" in en


def test_the_producer_sees_its_complaints_overdue_first_and_answers(recent):
    early = opened(recent)
    client = recent.client_for(recent.honey_user)
    listing = client.get(reverse("producer-complaints:list")).content.decode()
    assert early.reference in listing
    detail = reverse("producer-complaints:detail", kwargs={"pk": early.pk})
    page = client.get(detail).content.decode()
    assert "Hũ mật ong bị vỡ nắp" in page
    photo = client.get(reverse("producer-complaints:photo", kwargs={"pk": early.pk, "position": 0}))
    assert photo.status_code == 200
    answer = reverse("producer-complaints:answer", kwargs={"pk": early.pk})
    response = client.post(answer, {"kind": "reject", "text": ""})
    assert response.status_code == 400 and "lý do bạn từ chối" in response.content.decode()
    response = client.post(answer, {"kind": "propose", "remedy": "refund", "amount": "150000"})
    assert response.status_code == 302
    early.refresh_from_db()
    assert early.state == State.ANSWERED and early.remedy_amount == 150000


def test_another_producer_cannot_reach_the_complaint(recent):
    complaint = opened(recent)
    client = recent.client_for(recent.tea_user)
    assert (
        complaint.reference not in client.get(reverse("producer-complaints:list")).content.decode()
    )
    pk = {"pk": complaint.pk}
    assert client.get(reverse("producer-complaints:detail", kwargs=pk)).status_code == 404
    assert (
        client.post(
            reverse("producer-complaints:answer", kwargs=pk), {"kind": "accept"}
        ).status_code
        == 404
    )
    assert client.get(reverse("complaints-dashboard:detail", kwargs=pk)).status_code == 403
    assert Complaint.objects.get().state == State.OPEN


def test_operators_see_escalated_first_and_decide_with_a_reason(recent):
    quiet = opened(recent)
    services.complaints_deadlines(now=quiet.answer_due_at + timezone.timedelta(minutes=1))
    client = recent.client_for(recent.operator)
    queue = client.get(reverse("complaints-dashboard:list")).content.decode()
    assert quiet.reference in queue and "quá hạn không trả lời" in queue
    decide = reverse("complaints-dashboard:decide", kwargs={"pk": quiet.pk})
    response = client.post(decide, {"remedy": "refund", "amount": "350000", "reason": " "})
    assert response.status_code == 400
    assert Complaint.objects.get().state == State.ESCALATED
    response = client.post(
        decide, {"remedy": "refund", "amount": "350000", "reason": "Ảnh cho thấy hũ vỡ."}
    )
    assert response.status_code == 302
    quiet.refresh_from_db()
    assert quiet.state == State.EXECUTING and quiet.decided_by_role == "operator"
    photo = client.get(
        reverse("complaints-dashboard:photo", kwargs={"pk": quiet.pk, "position": 0})
    )
    assert photo.status_code == 200
    page = client.get(reverse("complaints-dashboard:detail", kwargs={"pk": quiet.pk}))
    assert re.search(r"complaint-step-decided", page.content.decode())
    assert ComplaintStep.objects.filter(complaint=quiet, kind="deadline_missed").count() == 1


def test_the_buyers_words_are_shown_as_text(recent):
    complaint = opened(recent, description="<script>alert('x')</script> hũ vỡ nắp khi nhận")
    for client, url in (
        (
            recent.client_for(recent.mai),
            reverse("complaints:detail", kwargs={"reference": complaint.reference}),
        ),
        (
            recent.client_for(recent.honey_user),
            reverse("producer-complaints:detail", kwargs={"pk": complaint.pk}),
        ),
        (
            recent.client_for(recent.operator),
            reverse("complaints-dashboard:detail", kwargs={"pk": complaint.pk}),
        ),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html


def test_the_order_page_reads_its_complaints_once_whatever_the_lines(
    recent, django_assert_num_queries
):
    from shop.complaints.templatetags.complaint_tags import line_complaint

    opened(recent)
    order = type(recent.order).objects.get(pk=recent.order.pk)
    honey, tea = Shipment.objects.get(pk=recent.honey.pk), Shipment.objects.get(pk=recent.tea.pk)
    with django_assert_num_queries(1):
        first = line_complaint(order, recent.honey_line, honey)
        second = line_complaint(order, recent.tea_line, tea)
    assert first["complaint"].line_id == recent.honey_line.pk and first["until"] is None
    assert second == {"complaint": None, "until": None}  # shipped, not late yet


def test_a_guest_complains_through_the_orders_signed_link(recent):
    type(recent.order).objects.filter(pk=recent.order.pk).update(user=None)
    recent.order.refresh_from_db()
    order_hash = recent.order.verification_hash()
    url = reverse("complaints:open", kwargs={"line_id": recent.honey_line.pk})
    guest = Client()
    # The signed link alone is not enough: Oscar's guest page asks for the order's e-mail.
    assert guest.get(url, {"order_hash": order_hash}).status_code == 404
    session = guest.session
    session["anon_order_email"] = recent.order.email
    session.save()
    assert guest.get(url, {"order_hash": "forged"}).status_code == 404
    response = guest.post(
        url,
        {
            "order_hash": order_hash,
            "reason": Reason.MISSING,
            "description": "Thiếu một hũ mật ong trong hộp.",
            "wish": Remedy.REFUND,
            "quantity": 1,
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and "?order_hash=" in response["Location"]
    assert complaint.user is None
    page = guest.get(response["Location"])
    assert page.status_code == 200 and "Thiếu một hũ" in page.content.decode()
    order_page = guest.get(
        reverse(
            "customer:anon-order",
            kwargs={"order_number": recent.order.number, "hash": order_hash},
        )
    ).content.decode()
    assert complaint.reference in order_page


def test_the_dashboard_menus_lead_to_the_complaints(world):
    producer_page = world.client_for(world.honey_user).get(reverse("producer-complaints:list"))
    assert 'href="/dashboard/producer/complaints/"' in producer_page.content.decode()
    operator_page = world.client_for(world.operator).get(reverse("complaints-dashboard:list"))
    assert 'href="/dashboard/complaints/"' in operator_page.content.decode()
    # Each is closed to the other.
    assert world.client_for(world.honey_user).get("/dashboard/complaints/").status_code == 403
    assert Client().get("/dashboard/producer/complaints/").status_code == 302
