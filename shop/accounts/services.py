"""Operators' second factor (django-otp: one authenticator app, recovery codes), unlocking
accounts locked by the login throttle (django-axes), and each account's profile (the language
its person reads, which their e-mails are written in)."""

from __future__ import annotations

import re
from typing import Any

import django_otp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shop.accounts import selectors
from shop.accounts.models import Profile
from shop.recipients import known_language

RECOVERY_CODE_COUNT = 10
_TOTP = re.compile(r"^[0-9]{6}$")


def second_factor_device_start(*, user: Any) -> TOTPDevice:
    """The authenticator an operator is enrolling: created once, kept until it is confirmed."""
    device = selectors.totp_devices(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def second_factor_confirm(*, user: Any, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator being enrolled with a code it shows; it replaces any earlier
    one, and a fresh set of recovery codes is returned (shown once, stored only as tokens)."""
    device = selectors.totp_devices(user=user, confirmed=False).select_for_update().first()
    token = _clean(token)
    if device is None or not _TOTP.match(token) or not device.verify_token(token):
        raise ValidationError(_("This code is not right. Type the 6 digits your app shows now."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    selectors.totp_devices(user=user, confirmed=True).exclude(pk=device.pk).delete()
    return device, recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: Any, codes: list[str] | None = None) -> list[str]:
    """A new set of recovery codes; the previous ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: Any, token: str):
    """The device that accepts ``token`` (the app's 6 digits, or a recovery code, which is then
    used up), or None. django-otp throttles each device after failures."""
    token = _clean(token)
    if not token:
        return None
    totp = bool(_TOTP.match(token))
    devices = selectors.totp_devices(user=user) if totp else selectors.recovery_devices(user=user)
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def second_factor_reset(*, user: Any) -> int:
    """Forget a user's authenticator and recovery codes (they lost them): they enrol again at
    their next sign-in. Returns the number of devices removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def demo_device_ensure(*, user: Any) -> TOTPDevice | None:
    """Development only: the demo operator's authenticator with the fixed development key
    (``DEMO_TOTP_KEY``, set in shop/settings/dev.py and nowhere else) and a known recovery
    code, so the demo can be used without a phone. Does nothing when the key is not set."""
    key = getattr(settings, "DEMO_TOTP_KEY", "")
    if not key:
        return None
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name="demo", defaults={"key": key, "confirmed": True}
    )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    recovery_codes_renew(user=user, codes=[settings.DEMO_RECOVERY_CODE])
    return device


def lockout_release(*, username: str) -> int:
    """Unlock an account the login throttle locked, at every address. Returns how many
    records were cleared."""
    from axes.utils import reset

    return reset(username=username.strip().lower()) if username.strip() else 0


def _clean(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()


def profile_messages_set(*, user: Any, notify_channel: str, phone: str) -> None:
    """How the account's person hears from us (shop.channels) and the phone Zalo messages go
    to (E.164; empty for none). The profile is made if the account has none yet."""
    from shop.channels import Channel

    if notify_channel not in Channel.values:
        raise ValidationError(_("Choose e-mail or Zalo."))
    if notify_channel == Channel.ZALO and not phone:
        raise ValidationError(_("Zalo messages need the phone number of your Zalo."))
    profile = profile_get(user=user)
    profile.notify_channel, profile.phone = notify_channel, phone
    profile.save(update_fields=["notify_channel", "phone"])


def profile_get(*, user: Any, language: str | None = None) -> Profile:
    """The account's profile, made the first time it is asked for (every new account gets one
    as it is saved, ``shop.accounts.receivers``); a new profile speaks `language`."""
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"language": known_language(language)}
    )
    return profile


def profile_language_set(*, user: Any, language: str) -> None:
    """Remember the language the person reads the site in (they chose it, registered or signed
    in with it): their e-mails are written in it and link to pages in it."""
    if language != known_language(language):
        return
    profile = profile_get(user=user, language=language)
    if profile.language != language:
        Profile.objects.filter(pk=profile.pk).update(language=language)
        profile.language = language
