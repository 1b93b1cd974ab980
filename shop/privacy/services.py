"""Writes about personal data: consents recorded and withdrawn, requests recorded and carried
out (Decree 13/2023/NĐ-CP; the Law on Personal Data Protection 2025).

Erasure anonymises what identifies the buyer (account, address book, the name, address, phone
and e-mail on their orders, their name on reviews, what they wrote in complaints and the
photos) and keeps what the accounting and tax laws require (order numbers, lines, amounts,
payments, invoices, statements, the ledger). It runs from the outbox; while an order is on its
way or a complaint is open it waits, and says why. Their data in lot histories is erased
through ``traceability.services.erasure`` (origin v2), which an operator carries out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import pagecache, roles
from shop.outbox.services import outbox_enqueue
from shop.privacy import selectors, texts, traces
from shop.privacy.models import (
    Consent,
    Method,
    PrivacyRequest,
    Purpose,
    RequestKind,
    RequestState,
)
from traceability.services import erasure as origin_erasure

ERASED = "—"  # what an anonymised text field shows


def _deadline(now):
    return now + timedelta(hours=settings.PRIVACY_REQUEST_DEADLINE_HOURS)


def consent_record(
    *, purpose: str, method: str, user: Any = None, email: str = "", reference: str = ""
) -> Consent:
    """Record that `user` (or a guest, by `email`) agreed to the current text of `purpose`."""
    if purpose not in Purpose.values or method not in Method.values:
        raise ValidationError(_("Unknown consent."))
    if user is not None and not user.is_authenticated:
        user = None
    email = (email or "").strip()[:254] if user is None else ""
    if user is None and not email:
        raise ValidationError(_("A consent needs an account or an e-mail address."))
    text = texts.current(purpose)
    return Consent.objects.create(
        purpose=purpose,
        version=text.version,
        text_hash=text.digest,
        user=user,
        email=email,
        method=method,
        reference=str(reference or "")[:64],
    )


def _done_request(*, kind: str, user: Any, outcome: dict) -> PrivacyRequest:
    now = timezone.now()
    return PrivacyRequest.objects.create(
        kind=kind,
        user=user,
        subject=user.email,
        received_at=now,
        deadline_at=_deadline(now),
        state=RequestState.DONE,
        handled_at=now,
        outcome=outcome,
    )


def consent_withdraw(*, user: Any, consent_id: int) -> PrivacyRequest:
    """Withdraw one of `user`'s own consents: recorded (the consent is kept, marked withdrawn
    by this request) and applied at once (news of followed producers: no more follows, so no
    more digests)."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update().filter(pk=consent_id, user=user).first()
            if user.is_authenticated
            else None
        )
        if consent is None:
            raise ValidationError(_("This consent is not yours."))
        if consent.withdrawn_at is not None:
            raise ValidationError(_("This consent was already withdrawn."))
        text = texts.text_of(purpose=consent.purpose, version=consent.version)
        if text is None or not text.withdrawable:
            raise ValidationError(
                _("This consent lasts as long as your account: to end it, ask for erasure.")
            )
        effects: dict[str, int] = {}
        if consent.purpose == Purpose.NEWS:
            Follow = get_model("partner", "Follow")
            effects["follows_ended"] = Follow.objects.filter(user=user).delete()[0]
        request = _done_request(
            kind=RequestKind.WITHDRAWAL,
            user=user,
            outcome={"purpose": consent.purpose, "consent": consent.pk, **effects},
        )
        # Every active consent to the same purpose ends with it.
        Consent.objects.filter(user=user, purpose=consent.purpose, withdrawn_at=None).update(
            withdrawn_at=request.handled_at, withdrawal=request
        )
    return request


def access_record(*, user: Any, kind_of_file: str) -> PrivacyRequest:
    """A data download, recorded in the register (given at once)."""
    return _done_request(kind=RequestKind.ACCESS, user=user, outcome={"format": kind_of_file})


def erasure_request(*, user: Any, password: str) -> PrivacyRequest:
    """The buyer asks for erasure, confirming with their password. Recorded with its deadline
    and carried out from the outbox (`erasure_carry_out`)."""
    if not user.is_authenticated or not user.check_password(password or ""):
        raise ValidationError({"password": _("This password is not right.")})
    if roles.is_operator(user) or roles.is_producer(user):
        raise ValidationError(
            _("Staff and producer accounts are erased by an operator: please write to us.")
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            request = PrivacyRequest.objects.create(
                kind=RequestKind.ERASURE,
                user=user,
                subject=user.email,
                received_at=now,
                deadline_at=_deadline(now),
            )
            outbox_enqueue(
                task="privacy.erasure_carry_out",
                kwargs={"request_id": request.pk},
                key=f"privacy-erasure:{request.pk}",
            )
    except IntegrityError:
        raise ValidationError(_("You have already asked for erasure; it is under way.")) from None
    return request


def guest_erasure_request(*, order_number: str, order_hash: str) -> PrivacyRequest:
    """A guest asks to erase their details from one order, through the order's signed link
    (Oscar's verification hash, the link their order e-mail carries): no account, no password,
    the link is the proof. Recorded and carried out like an account's erasure."""
    Order = get_model("order", "Order")
    order = Order.objects.filter(number=order_number, user__isnull=True).first()
    if order is None or not order.guest_email or not order.check_verification_hash(order_hash):
        raise ValidationError(_("This link is not valid for any order."))
    now = timezone.now()
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=order.pk)  # one request at a time per order
        if selectors.open_guest_erasure_of(order_number=order.number) is not None:
            raise ValidationError(_("You have already asked for erasure; it is under way."))
        request = PrivacyRequest.objects.create(
            kind=RequestKind.ERASURE,
            subject=order.guest_email,
            received_at=now,
            deadline_at=_deadline(now),
            outcome={"order": order.number},
        )
        outbox_enqueue(
            task="privacy.erasure_carry_out",
            kwargs={"request_id": request.pk},
            key=f"privacy-erasure:{request.pk}",
        )
    return request


def erasure_retry(*, request: PrivacyRequest, operator: Any) -> None:
    """An operator carries out a waiting erasure (again: the outbox runs it)."""
    if not roles.is_operator(operator):
        raise ValidationError(_("Only operators can carry out an erasure."))
    if request.kind != RequestKind.ERASURE or not request.is_open:
        raise ValidationError(_("This request is not a waiting erasure."))
    with transaction.atomic():
        outbox_enqueue(
            task="privacy.erasure_carry_out",
            kwargs={"request_id": request.pk, "operator_id": operator.pk},
        )


def erasure_carry_out(*, request_id: int, operator_id: int | None = None) -> PrivacyRequest:
    """Carry out an erasure, or record why it waits. Idempotent: a done request stays done."""
    User = get_user_model()
    operator = User.objects.filter(pk=operator_id).first() if operator_id else None
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().get(pk=request_id)
        if request.state == RequestState.DONE:
            return request
        if request.user is None:
            return _guest_carry_out(request=request, operator=operator)
        user = request.user
        waiting = selectors.erasure_blockers(user=user)
        held = origin_erasure.personal_data_held(user=user)
        if held.values and operator is None:
            waiting["origin"] = True
        if waiting:
            request.state = RequestState.WAITING
            request.outcome = {**request.outcome, "waiting": waiting}
            request.save(update_fields=["state", "outcome"])
            return request
        outcome: dict[str, Any] = {}
        if held.values or held.schema_1_events:
            if operator is not None:
                done = origin_erasure.personal_data_erase(
                    operator=operator,
                    reference=f"PD-{request.pk}",
                    reason=_("The buyer asked for erasure."),
                    user=user,
                )
                outcome["origin_values_erased"] = done.values_erased
            outcome["origin_schema_1_events"] = held.schema_1_events
        outcome.update(_anonymise(user=user, request=request))
        request.state = RequestState.DONE
        request.handled_at = timezone.now()
        request.handled_by = operator
        request.subject = _("Account #%(number)s (erased)") % {"number": user.pk}
        request.outcome = outcome
        request.save()
        PrivacyRequest.objects.filter(user=user).exclude(pk=request.pk).update(
            subject=request.subject
        )
        pagecache.bump_generation_now_and_on_commit()  # reviews showed the name
    return request


def _guest_carry_out(*, request: PrivacyRequest, operator: Any) -> PrivacyRequest:
    """A guest's erasure: their details on the one order the signed link named."""
    Order = get_model("order", "Order")
    number = (request.outcome or {}).get("order", "")
    orders = Order.objects.filter(number=number, user__isnull=True)
    waiting = selectors.erasure_blockers(orders=orders)
    if waiting:
        request.state = RequestState.WAITING
        request.outcome = {**request.outcome, "waiting": waiting}
        request.save(update_fields=["state", "outcome"])
        return request
    email = orders.values_list("guest_email", flat=True).first() or ""
    counts = traces.traces_erase(who=traces.who_of(orders=orders))
    counts.update(_orders_anonymise(orders=orders))
    if email:
        Consent.objects.filter(email=email, reference=number, withdrawn_at=None).update(
            withdrawn_at=timezone.now(), withdrawal=request
        )
    request.state = RequestState.DONE
    request.handled_at = timezone.now()
    request.handled_by = operator
    request.subject = _("Guest of order %(number)s (erased)") % {"number": number}
    request.outcome = {"order": number, **counts}
    request.save()
    return request


def erasures_retry() -> int:
    """Try every waiting erasure again (beat): those whose orders arrived go through."""
    done = 0
    for request_id in PrivacyRequest.objects.filter(
        kind=RequestKind.ERASURE, state=RequestState.WAITING
    ).values_list("pk", flat=True):
        done += erasure_carry_out(request_id=request_id).state == RequestState.DONE
    return done


def _anonymise(*, user: Any, request: PrivacyRequest) -> dict[str, int]:
    """Remove what identifies `user`; keep accounting records. Returns counts of what changed."""
    Order = get_model("order", "Order")
    UserAddress = get_model("address", "UserAddress")
    ProductReview = get_model("reviews", "ProductReview")
    Complaint = get_model("complaints", "Complaint")
    Follow = get_model("partner", "Follow")
    WishList = get_model("wishlists", "WishList")

    orders = Order.objects.filter(user=user)
    # The logs first: they are found by the name, phone and e-mail about to be erased.
    counts = traces.traces_erase(who=traces.who_of(orders=orders, user=user))
    counts.update(_orders_anonymise(orders=orders))
    counts["addresses"] = UserAddress.objects.filter(user=user).delete()[0]
    counts["reviews"] = ProductReview.objects.filter(user=user).update(name="", email="")

    counts.update(_complaints_anonymise(complaints=Complaint.objects.filter(user=user)))

    counts["follows"] = Follow.objects.filter(user=user).delete()[0]
    counts["wishlists"] = WishList.objects.filter(owner=user).delete()[0]
    Consent.objects.filter(user=user, withdrawn_at=None).update(
        withdrawn_at=timezone.now(), withdrawal=request
    )

    profile = getattr(user, "profile", None)
    if profile is not None:
        type(profile).objects.filter(pk=profile.pk).update(phone="")
    user.first_name = ""
    user.last_name = ""
    user.username = f"erased-{user.pk}"
    user.email = f"erased-{user.pk}@erased.invalid"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return counts


def consents_record_from_form(
    *, form: Any, method: str, user: Any = None, email: str = "", reference: str = ""
) -> list[Consent]:
    """Record each consent a form's ``consent_<purpose>`` checkbox says was given."""
    return [
        consent_record(purpose=purpose, method=method, user=user, email=email, reference=reference)
        for purpose in Purpose.values
        if form.cleaned_data.get(f"consent_{purpose}")
    ]


def _orders_anonymise(*, orders) -> dict[str, int]:
    """The buyer's name, address, phone and e-mail on `orders` (and on their complaints);
    numbers, lines, amounts and payments stay."""
    ShippingAddress = get_model("order", "ShippingAddress")
    BillingAddress = get_model("order", "BillingAddress")
    Complaint = get_model("complaints", "Complaint")
    address = {
        "title": "",
        "first_name": ERASED,
        "last_name": "",
        "line1": ERASED,
        "line2": "",
        "line3": "",
        "postcode": "",
        "search_text": "",
    }
    counts = {
        "shipping_addresses": ShippingAddress.objects.filter(
            pk__in=orders.values("shipping_address")
        ).update(notes="", phone_number="", **address),
        "billing_addresses": BillingAddress.objects.filter(
            pk__in=orders.values("billing_address")
        ).update(**address),
    }
    complaints = Complaint.objects.filter(order__in=orders)
    counts.update(_complaints_anonymise(complaints=complaints))
    counts["orders"] = orders.update(guest_email="")
    return counts


def _complaints_anonymise(*, complaints) -> dict[str, int]:
    """What the buyer wrote and showed (their words, photos, bank account); the complaint's
    reference, dates, decisions and amounts stay."""
    ComplaintStep = get_model("complaints", "ComplaintStep")
    ComplaintPhoto = get_model("complaints", "ComplaintPhoto")
    # The history is append-only for the parties; erasure empties the buyer's own words.
    ComplaintStep.objects.filter(complaint__in=complaints, role="buyer").exclude(text="").update(
        text=ERASED
    )
    photos = list(ComplaintPhoto.objects.filter(complaint__in=complaints))
    for photo in photos:
        photo.file.delete(save=False)
    return {
        "complaints": complaints.update(
            description=ERASED,
            payout_bank_bin="",
            payout_account_number="",
            payout_account_holder="",
        ),
        "complaint_photos": ComplaintPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()[
            0
        ],
    }
