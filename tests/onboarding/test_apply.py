"""The public "sell with us" form, end to end through the real views."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from shop import geo
from shop.onboarding.models import Application, Document, Status
from tests.onboarding.conftest import (
    HTML_BYTES,
    PDF_BYTES,
    apply,
    link_in,
    pdf,
    png,
    png_bytes,
    upload,
    valid_data,
)

pytestmark = pytest.mark.django_db


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_form_page_is_vietnamese_first_and_lists_banks_with_bin(client):
    page = client.get(reverse("onboarding:apply"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="vi"' in html
    assert "Agribank" in html and "970405" in html
    assert 'enctype="multipart/form-data"' in html
    # Without JavaScript the communes are grouped by province.
    assert '<optgroup label="Tuyên Quang">' in html
    english = client.get("/en/shop/sell/")
    assert english.status_code == 200 and "Sell with us" in english.content.decode()


def test_valid_application_is_stored_privately_with_its_hashes(client, private_root, committing):
    with committing():
        response = apply(client, documents=[pdf(), png()])
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:thanks")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "htx.dongvan@example.com" in thanks.content.decode()

    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.phone == "+84912345678"
    assert application.payout_account_holder == "LO THI MY"
    assert application.payout_bank_bin == "970405"
    assert application.province_code == 8 and application.ward_code == int(
        valid_data()["ward_code"]
    )

    documents = {d.original_name: d for d in application.documents.all()}
    assert set(documents) == {"giay-phep.pdf", "ocop.png"}
    assert documents["giay-phep.pdf"].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert documents["ocop.png"].sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert documents["giay-phep.pdf"].content_type == "application/pdf"
    assert documents["ocop.png"].content_type == "image/png"
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for document in documents.values():
        path = Path(document.file.path).resolve()
        assert path.is_relative_to(Path(private_root).resolve())
        assert not path.is_relative_to(media_root)
        assert document.original_name not in path.name  # random names on disk
        assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256

    # The applicant is e-mailed a signed link to their status page.
    (message,) = mail.outbox
    assert message.to == ["htx.dongvan@example.com"]
    status = client.get(link_in(message, r"/shop/sell/status/"))
    assert status.status_code == 200
    assert "HTX Mật ong bạc hà Đồng Văn" in status.content.decode()


def test_international_form_of_the_number_is_accepted(client):
    assert apply(client, valid_data(phone="+84 912 345 678")).status_code == 302
    assert Application.objects.get().phone == "+84912345678"


@pytest.mark.parametrize(
    "phone",
    ["0912", "abc-def-ghij", "0000 000 000", "+1 202 555 0143", "+33 6 12 34 56 78", ""],
)
def test_bad_phone_numbers_are_refused(client, phone):
    response = apply(client, valid_data(phone=phone))
    assert response.status_code == 200
    assert errors_of(response, "phone")
    assert not Application.objects.exists()


def test_foreign_number_gets_a_clear_message(client):
    response = apply(client, valid_data(phone="+1 202 555 0143"))
    assert "Vietnamese" in " ".join(errors_of(response, "phone")) or "Việt" in " ".join(
        errors_of(response, "phone")
    )


@pytest.mark.parametrize("number", ["12345", "12345abc90", "1234 5678 90", "12345678901234567890"])
def test_bad_account_numbers_are_refused(client, number):
    response = apply(client, valid_data(payout_account_number=number))
    assert response.status_code == 200
    assert errors_of(response, "payout_account_number")
    assert not Application.objects.exists()


def test_unknown_bank_is_refused(client):
    response = apply(client, valid_data(payout_bank_bin="999999"))
    assert errors_of(response, "payout_bank_bin")


def test_commune_outside_the_province_is_refused(client):
    hanoi_commune = geo.ward_choices(1)[0][0]
    response = apply(client, valid_data(ward_code=str(hanoi_commune)))
    assert response.status_code == 200
    assert any("province" in e or "tỉnh" in e for e in errors_of(response, "ward_code"))
    assert not Application.objects.exists()


def test_errors_keep_what_was_typed_and_say_files_must_be_chosen_again(client):
    response = apply(client, valid_data(phone="12"), documents=[pdf()])
    html = response.content.decode()
    assert 'value="HTX Mật ong bạc hà Đồng Văn"' in html
    assert 'value="htx.dongvan@example.com"' in html
    assert "Mật ong bạc hà, mật ong hoa ban" in html
    assert 'value="12"' in html
    assert 'value="1234567890123"' in html
    assert f'<option value="{valid_data()["ward_code"]}" selected>' in html
    assert '<option value="970405" selected>' in html
    assert 'value="cooperative"' in html and "checked" in html
    # Only the chosen province's communes are listed again.
    assert "<optgroup" not in html
    assert 'aria-invalid="true"' in html
    form = response.context["form"]
    assert response.context["files_lost"]
    assert form["documents"].value() is None or form.files


def test_html_named_pdf_with_forged_content_type_is_refused(client):
    forged = upload("x.pdf", HTML_BYTES, "application/pdf")
    response = apply(client, documents=[forged])
    assert response.status_code == 200
    (error,) = errors_of(response, "documents")
    assert "x.pdf" in error
    assert not Application.objects.exists() and not Document.objects.exists()


def test_png_named_pdf_is_refused(client):
    response = apply(client, documents=[upload("scan.pdf", png_bytes(), "application/pdf")])
    (error,) = errors_of(response, "documents")
    assert "scan.pdf" in error and "PNG" in error
    assert not Application.objects.exists()


def test_oversized_file_is_refused(client, settings):
    settings.ONBOARDING_MAX_DOCUMENT_BYTES = 1024
    big = upload("big.pdf", PDF_BYTES + b"0" * 2048, "application/pdf")
    response = apply(client, documents=[big])
    (error,) = errors_of(response, "documents")
    assert "big.pdf" in error
    assert not Application.objects.exists()


def test_default_limits(settings):
    assert settings.ONBOARDING_MAX_DOCUMENT_BYTES == 5 * 1024 * 1024
    assert settings.ONBOARDING_MAX_DOCUMENTS >= 2


def test_too_many_files_are_refused(client, settings):
    files = [pdf(f"doc-{i}.pdf") for i in range(settings.ONBOARDING_MAX_DOCUMENTS + 1)]
    response = apply(client, documents=files)
    assert errors_of(response, "documents")
    assert not Application.objects.exists()


def test_thanks_page_needs_a_submission(client):
    response = client.get(reverse("onboarding:thanks"))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:apply")
