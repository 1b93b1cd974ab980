"""Applicants' documents are stored outside MEDIA_ROOT and only operators can download them."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shop.onboarding.storage import private_storage
from tests.onboarding.conftest import DEFAULT_PRIVATE_MEDIA_ROOT, PDF_BYTES

pytestmark = pytest.mark.django_db


def test_private_root_defaults_under_var_and_outside_media_root():
    assert Path(settings.VAR_DIR) / "private" == DEFAULT_PRIVATE_MEDIA_ROOT
    assert not DEFAULT_PRIVATE_MEDIA_ROOT.resolve().is_relative_to(
        Path(settings.MEDIA_ROOT).resolve()
    )


def test_private_storage_makes_no_url():
    with pytest.raises(ValueError):
        private_storage().url("applications/x.pdf")


def test_no_media_url_serves_a_document(client, submitted):
    for document in submitted.documents.all():
        name = Path(document.file.name)
        for path in (
            f"{settings.MEDIA_URL}{document.file.name}",
            f"{settings.MEDIA_URL}{name.name}",
            f"{settings.MEDIA_URL}private/{document.file.name}",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert document.sha256 not in response.content.decode(errors="ignore")


def _pdf_of(application):
    return application.documents.get(content_type="application/pdf")


def test_anonymous_is_sent_to_log_in(client, submitted):
    url = reverse("applications-dashboard:document", kwargs={"pk": _pdf_of(submitted).pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


def test_producer_gets_403(client, submitted, producer_user):
    client.force_login(producer_user)
    url = reverse("applications-dashboard:document", kwargs={"pk": _pdf_of(submitted).pk})
    assert client.get(url).status_code == 403
    assert client.get(reverse("applications-dashboard:list")).status_code == 403
    detail = reverse("applications-dashboard:detail", kwargs={"pk": submitted.pk})
    assert client.get(detail).status_code == 403


def test_operator_downloads_the_file_as_an_attachment(client, submitted, operator):
    client.force_login(operator)
    document = _pdf_of(submitted)
    response = client.get(reverse("applications-dashboard:document", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == PDF_BYTES
    assert hashlib.sha256(body).hexdigest() == document.sha256
    assert response["Content-Disposition"].startswith("attachment")
    assert "giay-phep.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_unknown_document_is_404_for_operators(client, operator):
    client.force_login(operator)
    url = reverse("applications-dashboard:document", kwargs={"pk": 999999})
    assert client.get(url).status_code == 404
