import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories

# Captured before any test overrides it: the setting as the site runs with it.
DEFAULT_PRIVATE_MEDIA_ROOT = Path(settings.PRIVATE_MEDIA_ROOT)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_BYTES = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#3f7d3a").save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf(name="giay-phep.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")


def png(name="ocop.png"):
    return upload(name, png_bytes(), "image/png")


def valid_data(**overrides) -> dict:
    data = {
        "kind": "cooperative",
        "name": "HTX Mật ong bạc hà Đồng Văn",
        "representative": "Lò Thị Mỷ",
        "phone": "0912 345 678",
        "email": "htx.dongvan@example.com",
        "province_code": "8",
        "ward_code": str(factories.DONG_VAN),
        "registration_number": "HTX-0123",
        "tax_id": "0100109106",
        "payout_bank_bin": "970405",
        "payout_account_number": "1234567890123",
        "payout_account_holder": "Lò Thị Mỷ",
        "products": "Mật ong bạc hà, mật ong hoa ban",
    }
    data.update(overrides)
    return data


def apply(client, data=None, documents=()):
    payload = dict(data or valid_data())
    if documents:
        payload["documents"] = list(documents)
    return client.post(reverse("onboarding:apply"), payload)


def link_in(message, pattern: str) -> str:
    """The path of the first link in an e-mail whose path matches `pattern`."""
    for url in re.findall(r"https?://\S+", message.body):
        path = urlsplit(url).path
        if re.search(pattern, path):
            return path
    raise AssertionError(f"No link matching {pattern!r} in:\n{message.body}")


def emails_to(address: str):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user(
        username="operator",
        email="operator@chophien.vn",
        password="operator-pass-123",
        is_staff=True,
        first_name="Hà",
        last_name="Trần",
    )


@pytest.fixture
def producer_user(django_user_model):
    user = django_user_model.objects.create_user(
        username="producer", email="producer@example.com", password="producer-pass-123"
    )
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    factories.producer(name="HTX Chè Shan tuyết").users.add(user)
    return user


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs what services queue after commit (e-mails), as the site does once a request ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def submitted(client, db, committing):
    """An application submitted through the public form, with a PDF and a PNG."""
    from shop.onboarding.models import Application

    with committing():
        response = apply(client, documents=[pdf(), png()])
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Application.objects.get()
