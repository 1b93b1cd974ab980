"""Who a message goes to, in which language and by which channel.

Every notification task asks here instead of reading addresses off its objects: an order's
buyer (the account or the guest's address), an account's person, a producer, an applicant.
The language is
the one the person chose (an order keeps the language it was placed in); the channel is e-mail
or Zalo (``shop.channels``); Zalo needs a phone and falls back to e-mail
(``shop.notifications.message_send``).
"""

from dataclasses import dataclass

from django.conf import settings

from shop.channels import Channel


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str = settings.LANGUAGE_CODE
    channel: str = Channel.EMAIL
    phone: str = ""  # E.164, for Zalo
    user: object | None = None  # an account: its e-mail history keeps a copy


def known_language(code: str | None) -> str:
    """`code` if the site speaks it, else the site's language (Vietnamese)."""
    known = {code for code, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def user_recipient(user) -> Recipient:
    profile = getattr(user, "profile", None) if user.pk else None
    return Recipient(
        email=user.email,
        language=known_language(profile.language if profile else None),
        channel=profile.notify_channel if profile else Channel.EMAIL,
        phone=profile.phone if profile else "",
        user=user,
    )


def order_recipient(order) -> Recipient:
    address = order.shipping_address
    return Recipient(
        email=order.user.email if order.user_id else order.email,
        language=known_language(order.language),
        channel=order.notify_channel,
        phone=(address.phone_number.as_e164 if address and address.phone_number else ""),
        user=order.user if order.user_id else None,
    )


def producer_recipient(partner) -> Recipient:
    """The producer, at its own address, else at its first user's (in the producer's language,
    which it sets on its dashboard); `producer_addresses` gives all of them for an e-mail."""
    return Recipient(
        email=next(iter(producer_addresses(partner)), ""),
        language=known_language(partner.language),
        channel=partner.notify_channel,
        phone=partner.phone,
    )


def applicant_recipient(application) -> Recipient:
    """Someone who applied to sell, in the language they applied in (by e-mail: they have no
    account yet)."""
    return Recipient(email=application.email, language=known_language(application.language))


def producer_addresses(partner) -> list[str]:
    """Where a producer's e-mail goes: its own address, else its active users'."""
    if partner.email:
        return [partner.email]
    users = partner.users.filter(is_active=True).exclude(email="").order_by("pk")
    return list(dict.fromkeys(users.values_list("email", flat=True)))
