"""Thin views of the payment flow: buyers' order payment page, gateways' callbacks.

Callbacks verify, log and hand over to `payments.services`; return pages only display.
"""

import json
import logging

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from payments import selectors, services, vietqr
from payments.gateways import vnpay
from payments.gateways_registry import enabled_methods, gateway_for
from payments.models import AttemptStatus, GatewayCall, Method, PaymentAttempt
from payments.ports import GatewayError, InvalidSignature
from payments.services import Outcome
from shop import limits
from shop.order import statuses

logger = logging.getLogger(__name__)

IPN_ANSWERS = {
    Outcome.APPLIED: vnpay.IPN_CONFIRM_SUCCESS,
    Outcome.IGNORED: vnpay.IPN_CONFIRM_SUCCESS,
    Outcome.NOT_FOUND: vnpay.IPN_ORDER_NOT_FOUND,
    Outcome.AMOUNT_MISMATCH: vnpay.IPN_INVALID_AMOUNT,
    Outcome.ALREADY_FINAL: vnpay.IPN_ALREADY_CONFIRMED,
}


def _remote(request) -> str:
    return limits.client_address(request)


def _single_values(querydict) -> dict[str, str] | None:
    """The parameters as a plain dict, or None when a name is repeated (never sent by a PSP)."""
    values = {}
    for key, items in querydict.lists():
        if len(items) != 1:
            return None
        values[key] = items[0]
    return values


# --------------------------------------------------------------------------- VNPay


@csrf_exempt
@never_cache
@require_GET
def vnpay_ipn(request):
    """VNPay's server-to-server notification: signature, order, amount, state, in that order."""
    params = _single_values(request.GET)
    answer = vnpay.IPN_UNKNOWN_ERROR
    signature_valid, outcome, attempt = None, "", None
    try:
        if params is None:
            raise InvalidSignature("a parameter is repeated")
        event = gateway_for(Method.VNPAY).parse_callback(params=params)
        signature_valid = True
        applied = services.payment_event_apply(event=event, method=Method.VNPAY)
        answer, outcome, attempt = IPN_ANSWERS[applied.outcome], applied.outcome, applied.attempt
    except InvalidSignature as exc:
        signature_valid, answer, outcome = False, vnpay.IPN_INVALID_SIGNATURE, f"refused: {exc}"
    except GatewayError as exc:
        signature_valid, outcome = True, f"error: {exc}"
    except Exception:  # answer 99 and keep the request: VNPay retries the IPN later
        logger.exception("VNPay IPN failed")
        outcome = "error: unexpected"
    if signature_valid is False and (throttled := _throttled(request)):
        return throttled
    services.call_log(
        gateway=Method.VNPAY,
        direction=GatewayCall.Direction.IN,
        operation="ipn",
        attempt=attempt,
        reference=(params or {}).get("vnp_TxnRef", "")[:64],
        request=params or dict(request.GET.lists()),
        response=answer.as_dict(),
        signature_valid=signature_valid,
        outcome=str(outcome),
        remote_addr=_remote(request),
    )
    if signature_valid is False:
        logger.warning("VNPay IPN refused from %s: %s", _remote(request), outcome)
    return HttpResponse(answer.as_json(), content_type="application/json")


@never_cache
@require_GET
def gateway_return(request, method: str):
    """Where a gateway sends the buyer back. It shows the order; it never changes state."""
    reference = services.clean_text(request.GET.get("vnp_TxnRef") or request.GET.get("ref") or "")
    if method == Method.VNPAY:
        params = _single_values(request.GET) or {}
        try:
            gateway_for(Method.VNPAY).parse_callback(params=params)
            valid = True
        except GatewayError:
            valid = False
        if not valid and (throttled := _throttled(request)):
            return throttled
        services.call_log(
            gateway=Method.VNPAY,
            direction=GatewayCall.Direction.IN,
            operation="return",
            reference=reference[:64],
            request=params,
            signature_valid=valid,
            outcome="displayed",
            remote_addr=_remote(request),
        )
        if not valid:
            messages.warning(request, _("We could not verify the payment service's answer."))
    attempt = (
        PaymentAttempt.objects.filter(reference=reference[:25]).select_related("order").first()
    )
    if attempt is None:
        raise Http404(_("No such payment."))
    order = attempt.order
    if selectors.order_visible_to(request, order):
        return redirect(selectors.order_payment_url(order) + "?returned=1")
    # Whoever merely knows a reference learns the payment's status, never a link to the order.
    return render(
        request,
        "payments/return.html",
        {"attempt": attempt, "paid": order.status == statuses.PAID, "statuses": statuses},
    )


# --------------------------------------------------------------------------- bank feed, Stripe


def _throttled(request) -> HttpResponse | None:
    """Past RATE_LIMITS["refused-callback"] from one address, a 429 instead of another row.
    Only callbacks whose signature failed are counted: a gateway's signed ones always pass."""
    retry_after = limits.over_limit(request, "refused-callback")
    return limits.too_many_requests(request, retry_after) if retry_after else None


def _log_refused(
    request, *, gateway: str, operation: str, signature_valid: bool, outcome: str
) -> HttpResponse | None:
    """Record an incoming callback we did not act on, with the start of its body (or answer
    429 when its address keeps sending unsigned ones)."""
    if not signature_valid and (throttled := _throttled(request)):
        return throttled
    services.call_log(
        gateway=gateway,
        direction=GatewayCall.Direction.IN,
        operation=operation,
        request={"body": request.body[:2000]},
        signature_valid=signature_valid,
        outcome=outcome,
        remote_addr=_remote(request),
    )
    return None


@csrf_exempt
@never_cache
@require_POST
def bank_webhook(request):
    """Bank statement notifications (VietQR transfers): signed, idempotent per bank reference."""
    headers = {key: value for key, value in request.headers.items()}
    gateway = gateway_for(Method.VIETQR)
    try:
        webhook = gateway.parse_statement(body=request.body, headers=headers)
    except InvalidSignature as exc:
        if throttled := _log_refused(
            request,
            gateway=Method.VIETQR,
            operation="statement",
            signature_valid=False,
            outcome=f"refused: {exc}",
        ):
            return throttled
        logger.warning("bank webhook refused from %s: %s", _remote(request), exc)
        return JsonResponse({"ok": False, "error": "invalid signature"}, status=401)
    except GatewayError as exc:
        _log_refused(
            request,
            gateway=Method.VIETQR,
            operation="statement",
            signature_valid=True,
            outcome=f"malformed: {exc}",
        )
        return JsonResponse({"ok": False, "error": "malformed statement"}, status=400)
    credits = services.bank_statement_ingest(webhook=webhook)
    services.call_log(
        gateway=Method.VIETQR,
        direction=GatewayCall.Direction.IN,
        operation="statement",
        request=json.loads(request.body),
        response={"credits": [[c.bank_reference, c.status] for c in credits]},
        signature_valid=True,
        outcome=", ".join(sorted({c.status for c in credits})) or "no credits",
        remote_addr=_remote(request),
    )
    return JsonResponse({"ok": True, "credits": len(credits)})


@csrf_exempt
@never_cache
@require_POST
def stripe_webhook(request):
    """Stripe's webhooks, verified with Stripe's signature check and processed once per id."""
    headers = {key: value for key, value in request.headers.items()}
    try:
        event = gateway_for(Method.CARD).parse_callback(
            params={}, body=request.body, headers=headers
        )
    except InvalidSignature as exc:
        if throttled := _log_refused(
            request,
            gateway=Method.CARD,
            operation="webhook",
            signature_valid=False,
            outcome=f"refused: {exc}",
        ):
            return throttled
        logger.warning("Stripe webhook refused from %s: %s", _remote(request), exc)
        return JsonResponse({"error": "invalid signature"}, status=400)
    except GatewayError as exc:
        _log_refused(
            request,
            gateway=Method.CARD,
            operation="webhook",
            signature_valid=True,
            outcome=f"ignored: {exc}",
        )
        return JsonResponse({"received": True, "ignored": True})
    event_id = str(event.raw.get("event_id") or event.raw.get("id") or "")
    with transaction.atomic():
        first_time = services.processed_event_claim(gateway=Method.CARD, event_id=event_id)
        applied = (
            services.payment_event_apply(event=event, method=Method.CARD) if first_time else None
        )
    services.call_log(
        gateway=Method.CARD,
        direction=GatewayCall.Direction.IN,
        operation="webhook",
        attempt=applied.attempt if applied else None,
        reference=event.reference,
        request={"event_id": event_id, "status": event.status},
        signature_valid=True,
        outcome=applied.outcome if applied else "duplicate",
        remote_addr=_remote(request),
    )
    return JsonResponse({"received": True})


# --------------------------------------------------------------------------- the buyer's page


def _order_or_404(token: str):
    order = selectors.order_for_token(token)
    if order is None:
        raise Http404(_("No such order."))
    return order


def _link_expired(request, token: str):
    return render(request, "payments/link_expired.html", {"token": token}, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def order_payment(request, token: str):
    """The order's payment page: status, the QR to scan, and a retry after a failure."""
    try:
        order = _order_or_404(token)
    except selectors.LinkExpired:
        return _link_expired(request, token)
    seen = request.session.get(selectors.SEEN_ORDERS_SESSION_KEY, [])
    if order.number not in seen:
        request.session[selectors.SEEN_ORDERS_SESSION_KEY] = [*seen[-19:], order.number]
    online = [m for m in enabled_methods() if m != Method.COD]
    if request.method == "POST":
        method = request.POST.get("method", "")
        if method not in online or order.status != statuses.PENDING_PAYMENT:
            messages.error(request, _("This order cannot be paid that way now."))
            return redirect(selectors.order_payment_url(order))
        attempt = services.attempt_create(order=order, method=method)
        try:
            action = services.attempt_start(
                attempt=attempt,
                buyer_ip=_remote(request),
                return_url=selectors.return_url(attempt),
                notify_url=selectors.notify_url(attempt),
                locale=get_language(),
            )
        except GatewayError:
            messages.error(request, _("The payment service did not answer. Please try again."))
            return redirect(selectors.order_payment_url(order))
        if action.kind == "redirect" and action.url:
            return redirect(action.url)
        return redirect(selectors.order_payment_url(order))

    attempts = list(selectors.order_attempts(order))
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.PENDING), None)
    context = {
        "order": order,
        "token": token,
        "attempts": attempts,
        "open_attempt": open_attempt,
        "methods": [(m, dict(Method.choices)[m]) for m in online],
        "can_retry": order.status == statuses.PENDING_PAYMENT
        and (open_attempt is None or open_attempt.method != Method.VIETQR),
        "statuses": statuses,
        "now": timezone.now(),
    }
    if open_attempt and open_attempt.method == Method.VIETQR and open_attempt.qr_payload:
        context["qr"] = {
            "svg": vietqr.render_svg(open_attempt.qr_payload).decode(),
            **selectors.receiving_account(),
        }
    return render(request, "payments/order_payment.html", context)


@never_cache
@require_GET
def order_status(request, token: str):
    """What the payment page polls: the order's status, without a reload."""
    try:
        order = _order_or_404(token)
    except selectors.LinkExpired:
        return JsonResponse({"expired": True}, status=410)
    attempt = selectors.order_attempts(order).first()
    return JsonResponse(
        {
            "order": order.number,
            "status": order.status,
            "paid": order.status == statuses.PAID,
            "attempt": {
                "reference": attempt.reference,
                "status": attempt.status,
                "expires_at": attempt.expires_at.isoformat(),
            }
            if attempt
            else None,
        }
    )


@never_cache
@require_GET
def order_qr_png(request, token: str):
    try:
        order = _order_or_404(token)
    except selectors.LinkExpired:
        raise Http404(_("This link has expired.")) from None
    attempt = selectors.attempt_open(order)
    if attempt is None or not attempt.qr_payload:
        raise Http404(_("No QR code to show."))
    return HttpResponse(vietqr.render_png(attempt.qr_payload), content_type="image/png")


@never_cache
@require_POST
def order_link_resend(request, token: str):
    """The holder of an expired payment link asks for a new one: it goes to the order's e-mail
    address, never to the page."""
    order = selectors.order_for_token(token, allow_expired=True)
    if order is None:
        raise Http404(_("No such order."))
    services.payment_link_send(order=order)
    return render(request, "payments/link_sent.html")
