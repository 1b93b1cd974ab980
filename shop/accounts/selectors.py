"""Reads for sign-in security: a user's second-factor devices and the accounts locked now."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_devices(*, user: Any, confirmed: bool = True) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk")


def recovery_devices(*, user: Any) -> QuerySet[StaticDevice]:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def has_authenticator(*, user: Any) -> bool:
    return totp_devices(user=user).exists()


def recovery_codes_left(*, user: Any) -> int:
    return sum(device.token_set.count() for device in recovery_devices(user=user))


def lockouts() -> QuerySet[AccessAttempt]:
    """Account-and-address pairs that reached the failure limit (locked unless the cool-off
    has passed since the last attempt)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")
