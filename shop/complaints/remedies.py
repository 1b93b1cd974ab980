"""Carrying a decided remedy out: a refund through the payment (or a VietQR payout an operator
records, for cash on delivery and bank transfer), clawed back from the producer's settlement;
a return or replacement parcel through the carrier port.

Runs from the outbox (`tasks.remedy_execute`), outside any transaction while it talks to a
gateway or a carrier; idempotent; calls `services.complaint_resolve` when done."""


def remedy_execute(*, complaint_id: int) -> str:
    raise NotImplementedError("built by the remedies work")
