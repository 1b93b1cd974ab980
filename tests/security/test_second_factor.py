"""Operators and superusers sign in with a second factor, through the real pages: enrol an
authenticator from the QR code's key, recovery codes shown once, verify after the password;
every operator area is closed until then; producers and buyers are never asked; the Django
admin does not exist for signed-in non-operators."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories, otp

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-van-hanh-2025"
OPERATOR_AREAS = [
    "/dashboard/",
    "/dashboard/orders/",
    "/dashboard/payments/attempts/",
    "/dashboard/settlements/",
    "/dashboard/applications/",
    "/dashboard/producer-access/",
    "/dashboard/lockouts/",
    "/trace/operator/",
    "/en/trace/lots/",
    "/cms-admin/",
    "/cms-admin/pages/",
    "/django-admin/",
    "/django-admin/auth/user/",
]


def _operator(email="van-hanh@example.vn", *, staff=True, superuser=False):
    user = get_user_model().objects.create_user(email.split("@")[0], email, PASSWORD)
    user.is_staff, user.is_superuser = staff, superuser
    user.save()
    return user


def _password_login(user) -> Client:
    client = Client()
    response = client.post("/dashboard/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(secret: str) -> str:
    return f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"


def _enrol(client: Client) -> list[str]:
    page = client.get("/second-factor/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "second-factor-qr" in html  # the QR code, drawn here
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    wrong = client.post("/second-factor/enrol/", {"code": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    done = client.post("/second-factor/enrol/", {"code": _code(secret)})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())


def test_an_operator_enrols_then_verifies_at_each_sign_in():
    operator = _operator()
    client = _password_login(operator)
    first = client.get("/dashboard/")
    assert first.status_code == 302 and first["Location"].startswith("/second-factor/enrol/")

    codes = _enrol(client)
    assert len(codes) == 10
    assert client.get("/dashboard/").status_code == 200
    # Shown once: no later page repeats them.
    for url in ("/second-factor/enrol/", "/second-factor/", "/dashboard/"):
        body = client.get(url, follow=True).content.decode()
        assert not any(code in body for code in codes)
    assert StaticToken.objects.filter(token__in=codes).count() == 10

    # Next sign-in: the password alone opens nothing; the app's code does.
    client = _password_login(operator)
    response = client.get("/dashboard/")
    assert response["Location"].startswith("/second-factor/?next=")
    refused = client.post("/second-factor/", {"code": "123456", "next": "/dashboard/"})
    assert refused.status_code == 200 and "Mã này không đúng" in refused.content.decode()
    assert client.get("/dashboard/").status_code == 302
    good = client.post("/second-factor/", {"code": otp.current_code(operator, key=_key(operator))})
    assert good.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def _key(user) -> str:
    return TOTPDevice.objects.get(user=user, confirmed=True).key


def test_a_recovery_code_works_once():
    operator = _operator()
    codes = _enrol(_password_login(operator))
    client = _password_login(operator)
    assert client.post("/second-factor/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    again = _password_login(operator)
    assert again.post("/second-factor/", {"code": codes[0]}).status_code == 200
    assert again.get("/dashboard/").status_code == 302


def test_every_operator_area_waits_for_the_second_factor():
    for user in (_operator(), _operator("sieu@example.vn", staff=False, superuser=True)):
        otp.authenticator(user)
        client = Client()
        otp.password_only_login(client, user)
        for url in OPERATOR_AREAS:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 302, (user, method, url, response.status_code)
                assert re.match(r"^(/en)?/second-factor/\?next=", response["Location"]), url
        # Logging out needs no second factor.
        assert client.post("/dashboard/logout/").status_code == 302


def test_an_operator_without_an_authenticator_is_sent_to_enrol_from_every_area():
    client = Client()
    otp.password_only_login(client, _operator())
    for url in OPERATOR_AREAS:
        location = client.get(url)["Location"]
        assert re.match(r"^(/en)?/second-factor/enrol/\?next=", location), url


def test_producers_buyers_and_inspectors_are_never_asked():
    producer = factories.producer_user(factories.producer())
    buyer = get_user_model().objects.create_user("mua", "mua@example.vn", PASSWORD)
    for user, home in ((producer, "/dashboard/producer/"), (buyer, "/shop/accounts/profile/")):
        client = Client()
        otp.password_only_login(client, user)
        assert client.get(home).status_code == 200
        assert client.get("/second-factor/").status_code == 404
        assert client.get("/second-factor/enrol/").status_code == 404
    assert not TOTPDevice.objects.exists()


def test_the_django_admin_does_not_exist_for_signed_in_non_operators():
    producer = factories.producer_user(factories.producer())
    buyer = get_user_model().objects.create_user("mua", "mua@example.vn", PASSWORD)
    for user in (producer, buyer):
        client = Client()
        client.force_login(user)
        for url in ("/django-admin/", "/django-admin/login/", "/django-admin/auth/user/"):
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
    anonymous = Client()
    assert anonymous.get("/django-admin/login/").status_code == 200
    assert anonymous.get("/django-admin/")["Location"].startswith("/django-admin/login/")
    operator = Client()
    operator.force_login(_operator())
    assert operator.get("/django-admin/").status_code == 200


def test_the_development_code_shows_only_with_the_development_key(settings):
    operator = _operator()
    otp.authenticator(operator)
    client = Client()
    otp.password_only_login(client, operator)
    assert settings.DEMO_TOTP_KEY == ""  # not outside development settings
    assert 'id="development-code"' not in client.get("/second-factor/").content.decode()

    settings.DEMO_TOTP_KEY, settings.DEMO_RECOVERY_CODE = "00" * 20, "chophiendemo"
    from shop.accounts.services import demo_device_ensure

    demo_device_ensure(user=operator)
    html = client.get("/second-factor/").content.decode()
    shown = re.search(r'id="development-code">[^<]*?(\d{6})', html).group(1)
    assert client.post("/second-factor/", {"code": shown}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_the_demo_operator_passes_with_the_printed_recovery_code(settings):
    from shop import demo

    settings.DEMO_TOTP_KEY, settings.DEMO_RECOVERY_CODE = "00" * 20, "chophiendemo"
    demo.demo_load()
    assert demo.demo_operator_otpauth_uri().startswith("otpauth://totp/")
    client = Client()
    client.post(
        "/dashboard/login/", {"username": "operator@chophien.test", "password": demo.DEMO_PASSWORD}
    )
    assert client.post("/second-factor/", {"code": "chophiendemo"}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_an_operator_who_lost_everything_enrols_again_after_a_reset():
    from django.core.management import call_command

    operator = _operator()
    _enrol(_password_login(operator))
    call_command("second_factor_reset", operator.email.upper())
    client = _password_login(operator)
    assert client.get("/dashboard/")["Location"].startswith("/second-factor/enrol/")
    assert len(_enrol(client)) == 10
