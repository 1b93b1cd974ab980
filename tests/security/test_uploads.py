"""Uploaded files are safe wherever they come from: checked by content on every upload path,
images re-encoded without their metadata, stored under our names, served as downloads."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from PIL import ExifTags, Image

from shop.uploads.storage import private
from tests import factories
from tests.traceability.conftest import fast_keystores, make_lot, tester_chain  # noqa: F401
from traceability import services as trace
from traceability.models import EventAttachment

pytestmark = pytest.mark.django_db

PASSPHRASE = "mật khẩu ký của tôi"
ProductImage = get_model("catalogue", "ProductImage")
Product = get_model("catalogue", "Product")


def jpeg(*, size=(40, 20), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, "#3f7d3a")
    image.paste((255, 0, 0), (0, 0, 10, 10))  # top-left marked, to see the rotation
    image.save(out, format="JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#3f7d3a").save(out, format="PNG")
    return out.getvalue()


HOME = (21.0, 1.0, 30.0)  # a household's latitude, in degrees, minutes, seconds


def jpeg_with_gps_rotated() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = HOME
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 20.0, 10.0)
    return jpeg(exif=exif)


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'

# (name, bytes, browser's content type): each must be refused on every upload path.
BAD_DOCUMENTS = [
    ("certificate.html", HTML, "text/html"),
    ("certificate.svg", SVG, "image/svg+xml"),
    ("certificate.pdf", HTML, "application/pdf"),  # HTML renamed
    ("anh.jpg", SVG, "image/jpeg"),  # SVG renamed
    ("polyglot.pdf", b"%PDF-1.4\n" + HTML, "application/pdf"),
    ("polyglot.jpg", jpeg() + HTML, "image/jpeg"),
    ("anh.png", jpeg(), "image/png"),  # a JPEG under another name
]
BAD_IMAGES = [*BAD_DOCUMENTS, ("giay.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")]


def upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def file_errors(response, field) -> str:
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors
    assert field in errors, errors
    return " ".join(errors[field])


def assert_refused_clearly(message: str, name: str) -> None:
    assert f"“{name}”" in message, message  # the form names the file it refuses


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- every upload path


@pytest.mark.parametrize(("name", "data", "content_type"), BAD_DOCUMENTS)
def test_application_documents_refuse(client, roots, name, data, content_type):
    from shop.onboarding.models import Application
    from tests.onboarding.conftest import valid_data

    response = client.post(
        reverse("onboarding:apply"),
        {**valid_data(), "documents": [upload(name, data, content_type)]},
    )
    assert_refused_clearly(file_errors(response, "documents"), name)
    assert not Application.objects.exists() and not stored_files(roots)


def test_applicants_answers_refuse(client, roots):
    from shop.onboarding import links, services
    from shop.onboarding.models import Application, Document
    from tests.onboarding.conftest import valid_data

    client.post(reverse("onboarding:apply"), valid_data())
    application = Application.objects.get()
    services.application_ask(
        application_id=application.pk, actor=factories.operator(), message="Thêm giấy phép?"
    )
    url = reverse("onboarding:status", kwargs={"token": links.status_token(application.pk)})
    for name, data, content_type in BAD_DOCUMENTS:
        response = client.post(
            url, {"message": "Đây ạ", "documents": [upload(name, data, content_type)]}
        )
        assert_refused_clearly(file_errors(response, "documents"), name)
    assert not Document.objects.exists() and not stored_files(roots)


@pytest.fixture
def producer_client(client, django_user_model):
    maker = factories.producer()
    user = factories.producer_user(maker)
    client.force_login(user)
    client.maker = maker
    return client


def lot_form(product, **extra):
    return {
        "product": product.pk,
        "code": "MO-2025-11",
        "production_date": "2025-11-20",
        "quantity": "80",
        "unit": "KGM",
        **extra,
    }


@pytest.mark.parametrize(("name", "data", "content_type"), BAD_DOCUMENTS)
def test_lot_attachments_refuse(producer_client, roots, name, data, content_type):
    product = factories.product(maker=producer_client.maker)
    response = producer_client.post(
        reverse("traceability:lot-create"),
        lot_form(product, attachment=upload(name, data, content_type)),
    )
    assert_refused_clearly(file_errors(response, "attachment"), name)
    assert not EventAttachment.objects.exists() and not stored_files(roots)


@pytest.mark.parametrize(("name", "data", "content_type"), BAD_DOCUMENTS)
def test_lot_event_attachments_refuse(producer_client, make_lot, roots, name, data, content_type):  # noqa: F811
    lot = make_lot(factories.product(maker=producer_client.maker))
    response = producer_client.post(
        reverse("traceability:lot-manage", kwargs={"pk": lot.pk}),
        {"biz_step": "packing", "attachment": upload(name, data, content_type)},
    )
    assert_refused_clearly(file_errors(response, "attachment"), name)
    assert lot.events.count() == 1 and not stored_files(roots)


@pytest.fixture
def inspector(django_user_model, tester_chain):  # noqa: F811
    user = django_user_model.objects.create_user("thanh-tra", "inspector@example.vn", "pw-123456")
    user.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    trace.inspector_key_create(user=user, passphrase=PASSPHRASE)
    return user


def test_lab_reports_refuse(client, make_lot, inspector, roots):  # noqa: F811
    lot = make_lot()
    client.force_login(inspector)
    url = reverse("traceability:inspect", kwargs={"pk": lot.pk})
    for name, data, content_type in BAD_DOCUMENTS:
        response = client.post(
            url,
            {
                "result": "pass",
                "notes": "Đạt",
                "passphrase": PASSPHRASE,
                "lab_report": upload(name, data, content_type),
            },
        )
        assert_refused_clearly(file_errors(response, "lab_report"), name)
    assert lot.events.count() == 1 and not stored_files(roots)


@pytest.mark.parametrize(("name", "data", "content_type"), BAD_IMAGES)
def test_producers_product_images_refuse(producer_client, roots, name, data, content_type):
    from tests.producers.test_products import form_data

    response = producer_client.post(
        reverse("producer-dashboard:product-create"),
        {**form_data(), "images": [upload(name, data, content_type)]},
    )
    assert_refused_clearly(file_errors(response, "images"), name)
    assert not Product.objects.exists() and not stored_files(roots)


def test_operators_product_images_refuse_and_are_re_encoded(roots):
    """Oscar's dashboard takes its image form through get_class, so the fork is what it uses."""
    formset = get_class("dashboard.catalogue.formsets", "ProductImageFormSet")
    form_class = get_class("dashboard.catalogue.forms", "ProductImageForm")
    assert issubclass(formset.form, form_class)
    assert form_class.__module__ == "shop.dashboard.catalogue.forms"
    product = factories.product()
    for name, data, content_type in BAD_IMAGES:
        form = form_class(
            data={"images-0-product": product.pk, "images-0-display_order": 0},
            files={"images-0-original": upload(name, data, content_type)},
            prefix="images-0",
        )
        assert not form.is_valid()
        assert_refused_clearly(" ".join(form.errors["original"]), name)
    form = form_class(
        data={"images-0-product": product.pk, "images-0-display_order": 0},
        files={"images-0-original": upload("nha-toi.jpg", jpeg_with_gps_rotated(), "image/jpeg")},
        prefix="images-0",
    )
    assert form.is_valid(), form.errors
    image = form.save()
    assert "nha-toi" not in image.original.name
    assert_no_metadata_and_upright(image.original.read())


# --------------------------------------------------------------------------- images re-encoded


def assert_no_metadata_and_upright(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (20, 40)  # the orientation is applied to the pixels
        assert image.convert("RGB").getpixel((15, 5))[0] > 200  # the mark is now top-right
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and not exif
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"PhoneMaker" not in data and b"Exif" not in data


def test_a_producers_photo_comes_back_without_its_gps(producer_client, roots):
    from tests.producers.test_products import form_data

    response = producer_client.post(
        reverse("producer-dashboard:product-create"),
        {**form_data(), "images": [upload("nha-toi.jpg", jpeg_with_gps_rotated(), "image/jpeg")]},
    )
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert "nha-toi" not in image.original.name  # a name we chose
    assert_no_metadata_and_upright(image.original.read())


def test_a_lot_photo_comes_back_without_its_gps(producer_client, roots):
    product = factories.product(maker=producer_client.maker)
    response = producer_client.post(
        reverse("traceability:lot-create"),
        lot_form(product, attachment=upload("vuon.jpg", jpeg_with_gps_rotated(), "image/jpeg")),
    )
    assert response.status_code == 302
    attachment = EventAttachment.objects.get()
    assert attachment.name == "vuon.jpg" and "vuon" not in attachment.file.name
    download = producer_client.get(reverse("traceability:attachment", kwargs={"pk": attachment.pk}))
    body = b"".join(download.streaming_content)
    assert_no_metadata_and_upright(body)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256


def test_good_files_are_accepted(producer_client, roots):
    product = factories.product(maker=producer_client.maker)
    for name, data in (("a.pdf", b"%PDF-1.4\n%%EOF\n"), ("a.png", png()), ("a.webp", None)):
        if data is None:
            out = io.BytesIO()
            Image.new("RGB", (8, 8)).save(out, format="WEBP")
            data = out.getvalue()
        lot = trace.lot_create(
            product=product,
            code=f"OK-{name[-3:].upper()}",
            production_date=date(2025, 11, 1),
            quantity=1,
            unit="KGM",
            actor=None,
            attachments=[upload(name, data, "application/octet-stream")],
        )
        assert lot.events.get().attachments.get().name == name


# --------------------------------------------------------------------------- served as downloads


def assert_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Type"] == content_type


def test_the_public_lot_page_links_only_downloads(client, make_lot, roots):  # noqa: F811
    lot = make_lot(attachments=[upload("kiem-nghiem.pdf", b"%PDF-1.4\n%%EOF\n", "x/y")])
    # an attachment stored before uploads were checked: HTML, as a producer once sent
    legacy = private.save("traceability/2025/01/old.html", ContentFile(HTML))
    event = trace.event_record(lot=lot, biz_step="packing", actor=None)
    EventAttachment(
        event=event, file=legacy, name="certificate.html", media_type="text/html", sha256="0" * 64
    ).save()
    page = client.get(lot.get_absolute_url()).content.decode()
    links = re.findall(r'<ul class="attachments">.*?</ul>', page, re.S)
    hrefs = [href for block in links for href in re.findall(r'href="([^"]+)"', block)]
    assert len(hrefs) == 2 and "/media/" not in page
    served = {}
    for href in hrefs:
        assert href.startswith("/trace/attachments/")
        response = client.get(href)
        served[response["Content-Type"]] = b"".join(response.streaming_content)
        assert_download(response, response["Content-Type"])
    assert served == {"application/pdf": b"%PDF-1.4\n%%EOF\n", "application/octet-stream": HTML}


def test_private_files_have_no_url_and_never_sit_under_media(producer_client, roots):
    product = factories.product(maker=producer_client.maker)
    producer_client.post(
        reverse("traceability:lot-create"),
        lot_form(product, attachment=upload("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")),
    )
    attachment = EventAttachment.objects.get()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    assert not stored_files(roots / "media") and stored_files(roots / "private")


def test_operator_downloads_application_documents_as_attachments(client, roots):
    from tests.onboarding.conftest import valid_data

    client.post(
        reverse("onboarding:apply"),
        {**valid_data(), "documents": [upload("anh.png", png(), "image/png")]},
    )
    from shop.onboarding.models import Document

    document = Document.objects.get()
    assert "anh" not in document.file.name and document.original_name == "anh.png"
    client.force_login(factories.operator())
    response = client.get(reverse("applications-dashboard:document", kwargs={"pk": document.pk}))
    assert_download(response, "image/png")


def test_media_in_development_never_renders_html(settings, roots):
    from shop.uploads.views import media

    (roots / "media").mkdir()
    (roots / "media" / "page.html").write_bytes(HTML)
    (roots / "media" / "anh.png").write_bytes(png())
    response = media(RequestFactory().get("/media/page.html"), "page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    image = media(RequestFactory().get("/media/anh.png"), "anh.png")
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"
