"""Operators approve, reject or ask; applicants follow their signed status link."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.onboarding import services
from shop.onboarding.models import Action, Application, Decision, Status
from tests.onboarding.conftest import emails_to, link_in, png

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
User = get_user_model()
APPLICANT = "htx.dongvan@example.com"


def decide(client, application, action, message=""):
    url = reverse("applications-dashboard:decide", kwargs={"pk": application.pk, "action": action})
    return client.post(url, {"message": message})


def test_list_filters_by_status_and_detail_shows_everything(client, submitted, operator):
    client.force_login(operator)
    listing = client.get(reverse("applications-dashboard:list"))
    assert listing.status_code == 200 and submitted.name in listing.content.decode()
    rejected_only = client.get(reverse("applications-dashboard:list"), {"status": "rejected"})
    assert submitted.name not in rejected_only.content.decode()
    detail = client.get(reverse("applications-dashboard:detail", kwargs={"pk": submitted.pk}))
    html = detail.content.decode()
    for text in (
        "+84912345678",
        "1234567890123",
        "LO THI MY",
        "Agribank",
        "HTX-0123",
        "giay-phep.pdf",
        "ocop.png",
        "Đồng Văn",
    ):
        assert text in html, text


def test_approve_creates_the_producer_and_the_link_sets_a_password(
    client, submitted, operator, committing
):
    client.force_login(operator)
    mail.outbox.clear()
    with committing():
        response = decide(client, submitted, "approve", "Chào mừng")
    assert response.status_code == 302

    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    partner = submitted.partner
    assert partner.code == "htx-mat-ong-bac-ha-dong-van"
    assert (partner.name, partner.kind) == ("HTX Mật ong bạc hà Đồng Văn", "cooperative")
    assert (partner.province_code, partner.ward_code) == (8, submitted.ward_code)
    assert (partner.representative, partner.phone, partner.email) == (
        "Lò Thị Mỷ",
        "+84912345678",
        APPLICANT,
    )
    assert partner.registration_number == "HTX-0123"
    assert (partner.payout_bank_bin, partner.payout_account_number) == ("970405", "1234567890123")
    assert partner.payout_account_holder == "LO THI MY"
    (user,) = partner.users.all()
    assert user.email == APPLICANT and user.has_perm("partner.dashboard_access")
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Lò Thị Mỷ", "")  # one full name, as written
    (decision,) = Decision.objects.all()
    assert (decision.actor, decision.action, decision.message) == (
        operator,
        Action.APPROVE,
        "Chào mừng",
    )
    assert decision.created_at is not None

    # The producer follows the e-mailed link, sets a password, signs in and sees their dashboard.
    (welcome,) = emails_to(APPLICANT)
    link = link_in(welcome, r"/password-reset/confirm/")
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": "Mat-ong-2026!", "new_password2": "Mat-ong-2026!"}
    )
    assert done.status_code == 302, done.content.decode()[-2000:]
    login = client.post(
        reverse("dashboard:login"), {"username": APPLICANT, "password": "Mat-ong-2026!"}
    )
    assert login.status_code == 302
    dashboard = client.get("/dashboard/producer/")
    assert dashboard.status_code == 200
    assert "HTX Mật ong bạc hà Đồng Văn" in dashboard.content.decode()


def test_approve_reuses_an_existing_user_and_makes_codes_unique(client, submitted, operator):
    buyer = User.objects.create_user(username="buyer", email=APPLICANT.upper(), password="x-123456")
    Partner.objects.create(name="Other", code="htx-mat-ong-bac-ha-dong-van")
    services.application_approve(application_id=submitted.pk, actor=operator)
    submitted.refresh_from_db()
    assert submitted.partner.code == "htx-mat-ong-bac-ha-dong-van-2"
    assert list(submitted.partner.users.all()) == [buyer]
    buyer = User.objects.get(pk=buyer.pk)
    assert buyer.has_perm("partner.dashboard_access")


def test_reject_records_the_reason_and_emails_it(client, submitted, operator, committing):
    client.force_login(operator)
    mail.outbox.clear()
    assert decide(client, submitted, "reject", "").status_code == 400  # a reason is required
    assert not Decision.objects.exists()
    with committing():
        decide(client, submitted, "reject", "Chưa có giấy chứng nhận an toàn thực phẩm")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED and submitted.partner is None
    (decision,) = Decision.objects.all()
    assert (decision.actor, decision.action) == (operator, Action.REJECT)
    assert decision.created_at is not None
    (message,) = emails_to(APPLICANT)
    assert "Chưa có giấy chứng nhận an toàn thực phẩm" in message.body
    assert not Partner.objects.exists()


def test_ask_then_the_applicant_answers_through_the_signed_link(
    client, submitted, operator, committing
):
    client.force_login(operator)
    mail.outbox.clear()
    assert decide(client, submitted, "ask", "   ").status_code == 400
    with committing():
        decide(client, submitted, "ask", "Xin gửi giấy chứng nhận OCOP")
    submitted.refresh_from_db()
    assert submitted.status == Status.INFO_REQUESTED
    (decision,) = Decision.objects.all()
    assert (decision.actor, decision.action, decision.message) == (
        operator,
        Action.ASK,
        "Xin gửi giấy chứng nhận OCOP",
    )
    (message,) = emails_to(APPLICANT)
    assert "Xin gửi giấy chứng nhận OCOP" in message.body
    status_path = link_in(message, r"/shop/sell/status/")

    # No decision while the applicant has not answered.
    assert decide(client, submitted, "approve").status_code == 302
    assert Decision.objects.count() == 1 and not Partner.objects.exists()

    client.logout()
    page = client.get(status_path)
    assert page.status_code == 200 and "Xin gửi giấy chứng nhận OCOP" in page.content.decode()
    answered = client.post(status_path, {"message": "Đã gửi kèm", "documents": [png("ocop-2.png")]})
    assert answered.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.INFO_PROVIDED
    assert submitted.replies.get().message == "Đã gửi kèm"
    assert submitted.documents.count() == 3
    # Answering again is not possible; the page no longer offers the form.
    assert client.post(status_path, {"message": "again"}).status_code == 404

    # The operator can now decide again.
    client.force_login(operator)
    detail = client.get(reverse("applications-dashboard:detail", kwargs={"pk": submitted.pk}))
    assert "Đã gửi kèm" in detail.content.decode()
    decide(client, submitted, "approve")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_tampered_status_link_is_404(client, submitted, committing):
    (message,) = emails_to(APPLICANT)
    path = link_in(message, r"/shop/sell/status/")
    assert client.get(path).status_code == 200
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(path.replace(token, tampered)).status_code == 404
    assert client.get(reverse("onboarding:status", kwargs={"token": "1"})).status_code == 404


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("then", ["approve", "reject", "ask"])
def test_no_decision_on_a_decided_application(client, submitted, operator, first, then):
    client.force_login(operator)
    decide(client, submitted, first, "Lý do")
    assert Decision.objects.count() == 1
    response = decide(client, submitted, then, "Lý do")
    assert response.status_code == 302
    assert Decision.objects.count() == 1
    assert Partner.objects.count() == (1 if first == "approve" else 0)
    submitted.refresh_from_db()
    assert submitted.status == (Status.APPROVED if first == "approve" else Status.REJECTED)
    with pytest.raises(services.DecisionNotAllowed):
        services.application_approve(application_id=submitted.pk, actor=operator)


def test_decisions_are_for_operators_only(client, submitted, producer_user):
    assert decide(client, submitted, "approve").status_code == 302  # to the login page
    client.force_login(producer_user)
    assert decide(client, submitted, "approve").status_code == 403
    assert not Decision.objects.exists()
    assert Application.objects.get().status == Status.SUBMITTED


def test_an_application_waiting_for_an_answer_can_still_be_rejected_not_approved(
    client, submitted, operator
):
    client.force_login(operator)
    decide(client, submitted, "ask", "Xin gửi giấy chứng nhận OCOP")
    page = client.get(reverse("applications-dashboard:detail", kwargs={"pk": submitted.pk}))
    assert (
        'action="'
        + reverse("applications-dashboard:decide", kwargs={"pk": submitted.pk, "action": "reject"})
        in page.content.decode()
    )
    with pytest.raises(services.DecisionNotAllowed):
        services.application_approve(application_id=submitted.pk, actor=operator)
    decide(client, submitted, "reject", "Không nhận được trả lời sau 30 ngày")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED
    assert [d.action for d in Decision.objects.order_by("pk")] == [Action.ASK, Action.REJECT]


def test_an_operator_on_an_english_page_approves_a_producer_named_in_vietnamese(
    submitted, operator
):
    from django.utils import translation

    with translation.override("en"):
        services.application_approve(application_id=submitted.pk, actor=operator)
    partner = get_model("partner", "Partner").objects.get(name_vi=submitted.name)
    with translation.override("vi"):
        assert partner.name == submitted.name
