"""A buyer with a real order (cash on delivery, two producers) and the producers' users;
shipments moved by the producers' own service."""

import io
from dataclasses import dataclass

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from shop.fulfilment.models import Shipment
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain
from tests import factories
from tests.fulfilment.cod_helpers import advance, buyer, cod_order, owned_by

Line = get_model("order", "Line")


@dataclass
class World:
    order: object
    honey: Shipment  # delivered
    tea: Shipment  # not delivered yet
    buyer: object
    honey_line: object
    tea_line: object
    honey_user: object
    tea_user: object


def world(client, *, deliver_tea: bool = False) -> World:
    order, honey, tea = cod_order(client)
    person = buyer()
    order = owned_by(order, person)
    honey = advance(honey, Shipment.Status.DELIVERED)
    if deliver_tea:
        tea = advance(tea, Shipment.Status.DELIVERED)
    sent_mail()  # the order's own e-mails are out of the way
    return World(
        order=order,
        honey=honey,
        tea=tea,
        buyer=person,
        honey_line=Line.objects.get(order=order, partner=honey.partner),
        tea_line=Line.objects.get(order=order, partner=tea.partner),
        honey_user=factories.producer_user(honey.partner),
        tea_user=factories.producer_user(tea.partner),
    )


def png(name="anh.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 150, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_an_image(name="anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"just some text, not a photo\n" * 20, content_type="image/jpeg"
    )


def sent_mail() -> list:
    """Carry out what the outbox holds (as a worker would) and return the e-mails sent."""
    mail.outbox.clear()
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    outbox_drain(inline=True)
    return list(mail.outbox)
