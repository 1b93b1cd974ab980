"""Rows that name a kind of thing, read on every payment: Oscar's payment source types (by
``code``) and payment event types (by ``name``). Each is created on first use and then never
changes, so each process keeps the rows it has read in memory, for ``KIND_KEEP_SECONDS``.

A row is kept only once the transaction that read or created it has committed (a rollback
never leaves a process naming a row that does not exist), and a process forgets a row it saves
or deletes (the receivers in ``OrderConfig.ready``); other processes forget it when its time is
up. Deleting one of these rows deletes the payment history that names it, so it is not done
on a live floor; a row renamed by hand is found under its old name until then.
"""

import time

from django.db import transaction
from oscar.core.loading import get_model

PaymentEventType = get_model("order", "PaymentEventType")
SourceType = get_model("payment", "SourceType")

KIND_KEEP_SECONDS = 10 * 60

# The field each kind is looked up by.
LOOKUP = {SourceType: "code", PaymentEventType: "name"}

# (model, value) -> (row, monotonic time it expires); plain dict operations, safe in threads.
_kept: dict[tuple, tuple] = {}


def kind_get_or_create(model, value: str, *, defaults: dict | None = None):
    """The `model` row whose lookup field (LOOKUP) is `value`, created with `defaults` the
    first time."""
    key = (model, value)
    kept = _kept.get(key)
    if kept is not None and kept[1] > time.monotonic():
        return kept[0]
    row, _ = model.objects.get_or_create(defaults=defaults, **{LOOKUP[model]: value})
    transaction.on_commit(
        lambda: _kept.__setitem__(key, (row, time.monotonic() + KIND_KEEP_SECONDS))
    )
    return row


def kind_forget(sender, instance, **kwargs) -> None:
    """Receiver of `post_save` and `post_delete`: the row is read afresh next time."""
    _kept.pop((sender, getattr(instance, LOOKUP[sender])), None)


def kinds_forget_all() -> None:
    """This process's rows read afresh (each test starts so: its database was rolled back)."""
    _kept.clear()
