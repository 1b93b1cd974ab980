"""Sending one notification by Zalo: the template's id and parameters, the adapter, the record.

`zns_notify` is called by ``shop.notifications.message_send`` for a person who chose Zalo and
has a phone. It returns True when Zalo took the message; otherwise the caller sends the e-mail
and the row (``ZnsMessage``, status *fell back*) says why, for operators.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from shop.zns import registry
from shop.zns.models import ZnsMessage
from shop.zns.ports import TemplateMessage, ZnsError, zalo_phone
from shop.zns.templates import TEMPLATE_DATA, template_data

logger = logging.getLogger(__name__)


def has_template(notification: str) -> bool:
    """Whether ``notification`` has a ZNS counterpart at all (the others are e-mails only:
    a new payment link asked for by e-mail, a producer's statement)."""
    return notification in TEMPLATE_DATA


def zns_notify(*, recipient, template: str, context: Mapping[str, Any]) -> bool:
    """Send ``template`` to ``recipient.phone`` by Zalo; False (recorded) when it must go by
    e-mail instead."""
    record = {"template": template, "phone": recipient.phone, "email": recipient.email}
    zns_template = registry.template_id(template)
    if not registry.enabled():
        return _fell_back(record, reason="Zalo messages are off")
    if not zns_template:
        return _fell_back(record, reason="no ZNS template for this notification")
    try:
        with translation.override(recipient.language):
            data = template_data(template, context) or {}
    except Exception:  # a broken mapping must not keep the person from hearing at all
        logger.exception("ZNS %s: the template's parameters could not be built", template)
        return _fell_back(record, reason="the ZNS parameters could not be built")
    tracking_id = secrets.token_hex(12)
    record.update(zns_template_id=zns_template, tracking_id=tracking_id)
    message = TemplateMessage(
        phone=zalo_phone(recipient.phone),
        template_id=zns_template,
        data=data,
        tracking_id=tracking_id,
    )
    try:
        sent = registry.client().send(message)
    except ImproperlyConfigured as error:
        return _fell_back(record, reason=str(error))
    except ZnsError as error:
        logger.warning("ZNS %s to %s failed (%s): %s", template, recipient.phone, error.code, error)
        return _fell_back(record, reason=str(error), code=error.code)
    ZnsMessage.objects.create(**record, status=ZnsMessage.Status.SENT, msg_id=sent.msg_id)
    return True


def _fell_back(record: dict, *, reason: str, code: int | None = None) -> bool:
    ZnsMessage.objects.create(
        **record, status=ZnsMessage.Status.FELL_BACK, reason=reason[:255], error_code=code
    )
    return False
