"""Operators' second factor: enrol an authenticator app (QR code), verify after the password,
recovery codes. The page that unlocks throttled accounts is in ``dashboard``. The language
switcher, which a signed-in person's profile remembers."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.oath import totp

from payments.vietqr import render_svg
from shop import roles
from shop.accounts import forms, selectors, services
from shop.channels import Channel
from shop.phones import national


def _operator_signed_in(request) -> None:
    """These pages exist for those who need a second factor, signed in with their password."""
    if not roles.needs_second_factor(request.user):
        raise Http404


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard:index")


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    _operator_signed_in(request)
    user = request.user
    if selectors.has_authenticator(user=user) and not user.is_verified():
        return redirect(reverse("second-factor:verify") + f"?next={_next(request)}")
    device = services.second_factor_device_start(user=user)
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_confirm(
                user=user, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            return _codes_page(request, codes)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": render_svg(device.config_url, box_size=6).decode(),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
        "replacing": selectors.has_authenticator(user=user),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    _operator_signed_in(request)
    user = request.user
    if not selectors.has_authenticator(user=user):
        return redirect(reverse("second-factor:enrol") + f"?next={_next(request)}")
    if user.is_verified():
        return redirect(_next(request))
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error(
            "code", _("This code is not right. Wait for a new code and try again, slowly.")
        )
    context = {
        "form": form,
        "next": _next(request),
        "recovery_left": selectors.recovery_codes_left(user=user),
        "development_code": _development_code(user),
    }
    return render(request, "accounts/verify.html", context)


@never_cache
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    _operator_signed_in(request)
    if not request.user.is_verified():
        return redirect("second-factor:verify")
    return _codes_page(request, services.recovery_codes_renew(user=request.user))


def _codes_page(request, codes: list[str]):
    response = render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )
    response["Cache-Control"] = "no-store"
    return response


def _development_code(user) -> str:
    """Development only (``DEMO_TOTP_KEY`` is set in dev settings alone): the demo operator's
    current code, so the demo runs without a phone."""
    key = getattr(settings, "DEMO_TOTP_KEY", "")
    if not key or not selectors.totp_devices(user=user).filter(key=key).exists():
        return ""
    return f"{totp(bytes.fromhex(key)):06d}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def message_settings(request):
    """The buyer's choice: order messages by e-mail or by Zalo at their phone."""
    profile = getattr(request.user, "profile", None)
    initial = {
        "notify_channel": profile.notify_channel if profile else Channel.EMAIL,
        "phone": national(profile.phone) if profile else "",
    }
    form = forms.MessageSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_messages_set(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("phone", error)
        else:
            messages.success(request, _("Your choice of messages is saved."))
            return redirect("account-messages")
    return render(
        request,
        "accounts/messages.html",
        {"form": form, "page_title": _("Messages"), "active_tab": "messages"},
    )


def language_switch(request):
    """Django's ``set_language`` (the cookie, the same page in the chosen language); a signed-in
    person's profile remembers the choice: their e-mails come in that language."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.profile_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
