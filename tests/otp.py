"""Operators in tests pass the second factor the way django-otp records it.

``tests/conftest.py`` wraps ``Client.force_login``: an operator or superuser logged in that way
gets a confirmed authenticator (a fixed test key) and a session verified with it (the session
holds the device's persistent id, as ``django_otp.login`` writes it). Browser tests that sign an
operator in through the login form type :func:`current_code`. Tests of the second factor itself
use :data:`password_only_login` and go through the real pages.
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key

password_only_login = Client.force_login


def authenticator(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="tests", defaults={"key": TEST_TOTP_KEY, "confirmed": True}
    )
    return device


def verify_session(client: Client, user) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def current_code(user, *, key: str | None = None) -> str:
    """The code an authenticator app would show now. django-otp refuses a code twice in the same
    30 seconds and throttles after failures, so both are forgotten first (tests only)."""
    device = authenticator(user) if key is None else TOTPDevice.objects.get(user=user, key=key)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(bytes.fromhex(device.key), drift=device.drift):06d}"
