"""Login throttling (django-axes) on the four login forms: the shop's, the dashboard's, the
Wagtail admin's and the Django admin's.

For each: AXES_FAILURE_LIMIT wrong passwords, then the right one is refused too, with the
lockout page in Vietnamese (English under /en/); the same account from another address and
another account from the same address still sign in; an operator unlocks it (dashboard page or
axes' command). Run with ``-s`` to see the number of attempts before lockout.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-dung-2025"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@dataclass(frozen=True)
class LoginForm:
    name: str
    url: str
    username_field: str
    password_field: str
    extra: dict
    identifier: str  # "email" or "username": what the person types

    def post(self, client: Client, user, password: str, *, address: str = ATTACKER, url=None):
        data = {
            self.username_field: getattr(user, self.identifier),
            self.password_field: password,
            **self.extra,
        }
        return client.post(url or self.url, data, REMOTE_ADDR=address)


FORMS = {
    "shop": LoginForm(
        "shop",
        "/shop/accounts/login/",
        "login-username",
        "login-password",
        {"login_submit": "Log In"},
        "email",
    ),
    "dashboard": LoginForm("dashboard", "/dashboard/login/", "username", "password", {}, "email"),
    "wagtail": LoginForm("wagtail", "/cms-admin/login/", "username", "password", {}, "username"),
    "django-admin": LoginForm(
        "django-admin", "/django-admin/login/", "username", "password", {}, "username"
    ),
}


def _person(email: str, *, staff: bool = False):
    """Someone each form accepts: staff for the admins, with Wagtail admin access."""
    user = get_user_model().objects.create_user(email.split("@")[0], email, PASSWORD)
    user.is_staff = staff
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _lock(form: LoginForm, client: Client, user) -> int:
    """Wrong passwords until the lockout page; returns how many were answered normally."""
    for normal in range(settings.AXES_FAILURE_LIMIT + 5):
        response = form.post(client, user, "sai-mat-khau")
        if response.status_code == 429:
            return normal
        assert response.status_code == 200, (form.name, response.status_code)
    pytest.fail(f"{form.name}: never locked")


@pytest.mark.parametrize("form_name", list(FORMS))
def test_after_the_limit_even_the_right_password_is_refused(form_name, capsys):
    form = FORMS[form_name]
    user = _person(f"nan-nhan-{form_name}@example.vn", staff=form_name != "shop")
    attacker = Client()
    normal = _lock(form, attacker, user)
    assert normal == settings.AXES_FAILURE_LIMIT - 1  # the limit-th failure answers the lockout

    response = form.post(attacker, user, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(attacker)
    page = response.content.decode()
    assert "Tài khoản này tạm thời bị khoá" in page and 'id="login-locked"' in page
    with capsys.disabled():
        print(f"\n{form_name}: {normal} wrong passwords answered, locked at failure {normal + 1}")

    # The same account from another address signs in; so does another account from here.
    elsewhere = Client()
    assert form.post(elsewhere, user, PASSWORD, address=ELSEWHERE).status_code == 302
    assert _signed_in(elsewhere)
    other = _person(f"nguoi-khac-{form_name}@example.vn", staff=form_name != "shop")
    neighbour = Client()
    assert form.post(neighbour, other, PASSWORD).status_code == 302
    assert _signed_in(neighbour)


def test_the_lockout_page_speaks_english_under_en():
    user = _person("english@example.vn")
    form = FORMS["shop"]
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = form.post(client, user, "wrong", url="/en/shop/accounts/login/")
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked for now" in page and "Try again in 30 minutes" in page


def test_an_operator_unlocks_an_account_from_the_dashboard():
    user = _person("khoa@example.vn")
    form = FORMS["shop"]
    _lock(form, Client(), user)
    assert form.post(Client(), user, PASSWORD).status_code == 429

    operator = Client()
    operator.force_login(factories.operator())
    page = operator.get("/dashboard/lockouts/").content.decode()
    assert "khoa@example.vn" in page and ATTACKER in page
    response = operator.post("/dashboard/lockouts/", {"username": "khoa@example.vn"})
    assert response.status_code == 302

    again = Client()
    assert form.post(again, user, PASSWORD).status_code == 302
    assert _signed_in(again)


def test_the_unlock_page_is_for_operators_only():
    user = _person("khoa2@example.vn")
    _lock(FORMS["shop"], Client(), user)
    producer = Client()
    producer.force_login(factories.producer_user(factories.producer()))
    assert producer.post("/dashboard/lockouts/", {"username": user.email}).status_code == 403
    assert AccessAttempt.objects.filter(username=user.email).exists()


def test_an_operator_unlocks_an_account_with_the_command():
    user = _person("lenh@example.vn", staff=True)
    form = FORMS["dashboard"]
    _lock(form, Client(), user)
    call_command("axes_reset_username", "lenh@example.vn")
    client = Client()
    assert form.post(client, user, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_every_way_of_naming_the_account_counts_towards_the_same_limit():
    """E-mail in any case, or the username: one account, one counter."""
    user = _person("Ten.Day.Du@Example.vn", staff=True)
    client = Client()
    spellings = ["ten.day.du@example.vn", "TEN.DAY.DU@EXAMPLE.VN", user.username]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        typed = spellings[attempt % len(spellings)]
        response = client.post(
            "/cms-admin/login/", {"username": typed, "password": "sai"}, REMOTE_ADDR=ATTACKER
        )
    assert response.status_code == 429
    right = client.post(
        "/cms-admin/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert right.status_code == 429 and not _signed_in(client)


def test_passwords_typed_are_never_stored_with_the_attempts():
    user = _person("bimat@example.vn")
    FORMS["shop"].post(Client(), user, "bi-mat-sai-123")
    attempt = AccessAttempt.objects.get()
    assert "bi-mat-sai-123" not in attempt.post_data


def test_a_buyer_still_registers_and_is_signed_in():
    """Oscar signs a new buyer in without a request: that is not a login form to throttle."""
    client = Client()
    response = client.post(
        "/shop/accounts/login/",
        {
            "registration-email": "moi@example.vn",
            "registration-password1": PASSWORD,
            "registration-password2": PASSWORD,
            "registration_submit": "Register",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert _signed_in(client)


def test_a_successful_sign_in_clears_earlier_failures():
    user = _person("quen@example.vn")
    form = FORMS["shop"]
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        form.post(client, user, "sai")
    assert form.post(client, user, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert form.post(client, user, "sai").status_code == 200
    assert form.post(client, user, PASSWORD).status_code == 302


def test_behind_our_proxy_the_lockout_is_per_visitor_not_per_proxy(settings):
    """Behind a proxy every request comes from its address: the visitor's address is the one
    our proxy puts in X-Forwarded-For, as for the rate limits."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    user = _person("sau-proxy@example.vn")
    form = FORMS["shop"]
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = attacker.post(
            form.url,
            {"login-username": user.email, "login-password": "sai", **form.extra},
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == ATTACKER

    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    response = owner.post(
        form.url, {"login-username": user.email, "login-password": PASSWORD, **form.extra}
    )
    assert response.status_code == 302 and _signed_in(owner)
