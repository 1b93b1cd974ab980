"""Writes of the payment flow, by concern; every public name is re-exported here, so
`from payments import services; services.payment_event_apply(...)` reads as before.

- `events`: the state machine (`payment_event_apply`) and event-id deduplication;
- `attempts`: create and start attempts, query gateways, expire and reconcile (periodic);
- `bank`: credits a feed reports (bank statements), matched, and operators' decisions;
- `cod`: cash on delivery;
- `refunds`: refunds through the gateway or recorded;
- `shipments`: a producer's part that left an order (refunded, the emptied order cancelled);
- `orders`: where payments change orders (paid, cancelled, refunded);
- `emails`: the buyer's payment e-mails;
- `callbacks`: a gateway's verified delivery, applied once;
- `manual`: events people record by hand (cash collected, a transfer confirmed);
- `log`: the gateway call log (the reference rule is `payments.references`);
- `outcomes`: the answers and refusals every concern shares.
"""

from payments.references import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    reference_new,
)
from payments.services.attempts import (
    attempt_create,
    attempt_query,
    attempt_review_close,
    attempt_start,
    attempt_write,
    attempts_expire,
    attempts_reconcile,
    expiry_for,
)
from payments.services.bank import bank_credit_confirm, bank_credit_dismiss, bank_credits_ingest
from payments.services.callbacks import Received, notification_apply
from payments.services.cod import cash_collected, cod_attempt_create
from payments.services.emails import (
    order_email_enqueue,
    order_emails_after_placement,
    payment_link_send,
)
from payments.services.events import payment_event_apply, processed_event_claim
from payments.services.log import call_log, clean_text
from payments.services.manual import manual_event
from payments.services.orders import (
    order_cancel_if_abandoned,
    order_paid,
    order_refund_event,
)
from payments.services.outcomes import Applied, Outcome, PaymentNotAllowed
from payments.services.refunds import (
    RefundAlreadySubmitted,
    payment_refund,
    payment_refund_once,
    refund_partner,
    refund_partners,
)
from payments.services.shipments import shipment_part_refund

__all__ = [
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "REFERENCE_PREFIX",
    "Applied",
    "Outcome",
    "PaymentNotAllowed",
    "Received",
    "RefundAlreadySubmitted",
    "attempt_create",
    "attempt_query",
    "attempt_review_close",
    "attempt_start",
    "attempt_write",
    "attempts_expire",
    "attempts_reconcile",
    "bank_credit_confirm",
    "bank_credit_dismiss",
    "bank_credits_ingest",
    "call_log",
    "cash_collected",
    "clean_text",
    "cod_attempt_create",
    "expiry_for",
    "order_cancel_if_abandoned",
    "order_email_enqueue",
    "order_emails_after_placement",
    "order_paid",
    "order_refund_event",
    "manual_event",
    "notification_apply",
    "payment_event_apply",
    "payment_link_send",
    "payment_refund",
    "payment_refund_once",
    "processed_event_claim",
    "reference_new",
    "refund_partner",
    "refund_partners",
    "shipment_part_refund",
]
