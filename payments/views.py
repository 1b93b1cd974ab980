"""Thin views of the payment flow: buyers' order payment page, gateways' callbacks.

Callbacks verify, log and hand over to `payments.services`; return pages only display.
"""

import json
import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from payments import selectors, services, vietqr
from payments.gateways_registry import (
    adapter_for,
    capabilities,
    gateway_for,
    label,
    method_templates,
    online_methods,
)
from payments.models import AttemptStatus, GatewayCall, PaymentAttempt
from payments.ports import Acknowledgement, GatewayError, InvalidSignature
from payments.start import payment_start_redirect
from shop import limits
from shop.order import statuses

logger = logging.getLogger(__name__)


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


# --------------------------------------------------------------------------- callbacks


def _throttled(request) -> HttpResponse | None:
    """Past RATE_LIMITS["refused-callback"] from one address, a 429 instead of another row.
    Only callbacks whose signature failed are counted: a gateway's signed ones always pass."""
    retry_after = limits.over_limit(request, "refused-callback")
    return limits.too_many_requests(request, retry_after) if retry_after else None


def _answer(ack: Acknowledgement) -> HttpResponse:
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


def _logged_answer(ack: Acknowledgement) -> dict:
    try:
        return json.loads(ack.body)
    except ValueError:
        return {"body": ack.body[:2000]}


@csrf_exempt
@never_cache
def gateway_callback(request, method: str):
    """A gateway's server-to-server notification (IPN, webhook, bank feed): its adapter
    verifies and reads it and words the answer; the services apply it, once."""
    adapter = adapter_for(method)
    if adapter is None:
        raise Http404(_("No such payment service."))
    route = adapter.callback
    if request.method != route.http_method:
        return HttpResponseNotAllowed([route.http_method])
    gateway = gateway_for(method)
    query = _single_values(request.GET)
    params = query or {}
    headers = {key: value for key, value in request.headers.items()}
    notification = None

    def answer_logged(outcome, summary, *, received=None, signature_valid=None):
        """The gateway's answer, and the call log row that records it."""
        ack = gateway.acknowledge(outcome, count=len(received.credits) if received else 0)
        response = _logged_answer(ack)
        if received and received.credits:
            response = {"credits": [[c.bank_reference, c.status] for c in received.credits]}
        services.call_log(
            gateway=method,
            direction=GatewayCall.Direction.IN,
            operation=route.operation,
            attempt=received.attempt if received else None,
            reference=((received and received.reference) or gateway.claimed_reference(params))[:64],
            request=(notification.log if received else None)
            or params
            or {"body": request.body[:2000]},
            response=response,
            signature_valid=signature_valid,
            outcome=summary,
            remote_addr=_remote(request),
        )
        return ack

    acks = []

    def log_applied(received) -> None:  # in the payment's transaction: committed with it
        acks.append(
            answer_logged(
                received.outcome, received.summary, received=received, signature_valid=True
            )
        )

    try:
        if query is None:
            raise InvalidSignature("a parameter is repeated")
        notification = gateway.parse_notification(params=params, body=request.body, headers=headers)
        services.notification_apply(method=method, notification=notification, log=log_applied)
    except InvalidSignature as exc:
        signature_valid, outcome, summary = False, "invalid_signature", f"refused: {exc}"
    except GatewayError as exc:
        signature_valid, outcome, summary = True, "refused", f"ignored: {exc}"
    except Exception:  # answer as the gateway expects an error, so that it delivers again
        logger.exception("%s callback failed", method)
        signature_valid = True if notification is not None else None
        outcome, summary = "error", "error: unexpected"
    else:
        return _answer(acks[0])
    # Not applied (refused, or failed and rolled back): logged on its own.
    if signature_valid is False and (throttled := _throttled(request)):
        return throttled
    ack = answer_logged(outcome, summary, signature_valid=signature_valid)
    if signature_valid is False:
        logger.warning("%s callback refused from %s: %s", method, _remote(request), summary)
    return _answer(ack)


@never_cache
@require_GET
def gateway_return(request, method: str):
    """Where a gateway sends the buyer back. It shows the order; it never changes state.
    A gateway whose return is signed (capabilities.signed_return) has it checked and logged."""
    params = _single_values(request.GET) or {}
    adapter = adapter_for(method)
    claimed = adapter.claimed_reference(params) if adapter else ""
    reference = services.clean_text(claimed or request.GET.get("ref") or "")
    if adapter and adapter.capabilities.signed_return:
        try:
            gateway_for(method).parse_callback(params=params)
            valid = True
        except GatewayError:
            valid = False
        if not valid and (throttled := _throttled(request)):
            return throttled
        services.call_log(
            gateway=method,
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
    online = online_methods()
    if request.method == "POST":
        method = request.POST.get("method", "")
        if method not in online or order.status != statuses.PENDING_PAYMENT:
            messages.error(request, _("This order cannot be paid that way now."))
            return redirect(selectors.order_payment_url(order))
        return payment_start_redirect(
            request,
            order=order,
            method=method,
            failure_message=_("The payment service did not answer. Please try again."),
        )

    attempts = list(selectors.order_attempts(order))
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.PENDING), None)
    context = {
        "order": order,
        "token": token,
        "attempts": attempts,
        "open_attempt": open_attempt,
        "methods": [(m, label(m)) for m in online],
        "can_retry": order.status == statuses.PENDING_PAYMENT
        and (open_attempt is None or capabilities(open_attempt.method).retry_while_pending),
        "statuses": statuses,
        "now": timezone.now(),
        "summary": selectors.order_summary(order=order, attempts=attempts),
    }
    if open_attempt:
        # What the buyer does while this method's attempt is open (the QR to scan...).
        context["open_templates"] = method_templates(open_attempt.method, "open")
    if open_attempt and open_attempt.qr_payload:
        context["qr"] = {
            "svg": vietqr.render_svg(open_attempt.qr_payload).decode(),
            **selectors.receiving_account(open_attempt.method),
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
