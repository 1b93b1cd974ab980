"""Uploads and private files go through Django's storage API only, so several web and worker
nodes can share them. Every flow runs twice: on the filesystem, and on an S3 server (moto's,
started here on a free port) through django-storages' S3 backend, as production configures
it with S3_* variables. With S3 nothing is written to the local disk."""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from shop.uploads.storage import private
from tests import factories
from tests.onboarding.conftest import valid_data
from tests.traceability.conftest import make_lot  # noqa: F401
from traceability.models import EventAttachment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "#3f7d3a").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Backend:
    def __init__(self, name, tmp_path, client=None, buckets=None):
        self.name, self.tmp_path, self.client, self.buckets = name, tmp_path, client, buckets

    def keys(self, which: str) -> set[str]:
        """What the store holds: object keys in S3, relative paths on disk."""
        if self.client is not None:
            listed = self.client.list_objects_v2(Bucket=self.buckets[which])
            return {item["Key"] for item in listed.get("Contents", [])}
        root = self.tmp_path / which
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    def local_files(self) -> list[Path]:
        return [p for p in self.tmp_path.rglob("*") if p.is_file()]


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    if request.param == "filesystem":
        return Backend("filesystem", tmp_path)
    endpoint = request.getfixturevalue("s3_endpoint")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    buckets = {
        "media": f"media-{uuid.uuid4().hex[:8]}",
        "private": f"private-{uuid.uuid4().hex[:8]}",
    }
    for bucket in buckets.values():
        client.create_bucket(Bucket=bucket)
    options = {**KEYS, "endpoint_url": endpoint, "file_overwrite": False}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "bucket_name": buckets["media"], "querystring_auth": False},
        },
        "private": {
            "BACKEND": "shop.uploads.s3.PrivateS3Storage",
            "OPTIONS": {**options, "bucket_name": buckets["private"]},
        },
    }
    return Backend("s3", tmp_path, client, buckets)


def test_an_applicants_documents_round_trip(client, backend):
    from shop.onboarding.models import Document

    files = [
        SimpleUploadedFile("giay-phep.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("anh.png", png(), "image/png"),
    ]
    response = client.post(reverse("onboarding:apply"), {**valid_data(), "documents": files})
    assert response.status_code == 302
    assert backend.keys("private") == {d.file.name for d in Document.objects.all()}
    client.force_login(factories.operator())
    pdf = Document.objects.get(content_type="application/pdf")
    download = client.get(reverse("applications-dashboard:document", kwargs={"pk": pdf.pk}))
    assert b"".join(download.streaming_content) == PDF
    if backend.name == "s3":
        assert backend.local_files() == []


def test_lot_attachments_round_trip(client, backend):
    maker = factories.producer()
    client.force_login(factories.producer_user(maker))
    product = factories.product(maker=maker)
    response = client.post(
        reverse("traceability:lot-create"),
        {
            "product": product.pk,
            "code": "MO-2025-11",
            "production_date": "2025-11-20",
            "quantity": "80",
            "unit": "KGM",
            "attachment": SimpleUploadedFile("kiem-nghiem.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = EventAttachment.objects.get()
    assert backend.keys("private") == {attachment.file.name}
    download = client.get(reverse("traceability:attachment", kwargs={"pk": attachment.pk}))
    assert b"".join(download.streaming_content) == PDF
    if backend.name == "s3":
        assert backend.local_files() == []


def test_product_images_round_trip(client, backend):
    from tests.producers.test_products import form_data

    maker = factories.producer()
    client.force_login(factories.producer_user(maker))
    response = client.post(
        reverse("producer-dashboard:product-create"),
        {**form_data(), "images": [SimpleUploadedFile("anh.png", png(), "image/png")]},
    )
    assert response.status_code == 302
    image = get_model("catalogue", "ProductImage").objects.get()
    assert image.original.name in backend.keys("media")
    with Image.open(image.original) as opened:
        assert opened.size == (16, 16)
    if backend.name == "s3":
        assert image.original.url.startswith(backend.client.meta.endpoint_url)
        assert backend.local_files() == []


def test_attachments_stored_as_public_media_move_to_the_private_store(backend, make_lot):  # noqa: F811
    """The migration that moved lot-event attachments out of public media, on either store."""
    lot = make_lot()
    name = default_storage.save("traceability/2025/01/old-report.pdf", ContentFile(PDF))
    EventAttachment(
        event=lot.events.get(),
        file=name,
        name="report.pdf",
        media_type="application/pdf",
        sha256="0",
    ).save()
    migration = importlib.import_module("traceability.migrations.0003_attachments_private_storage")
    migration.move_to_private(apps, None)
    assert not default_storage.exists(name)
    with private.open(name, "rb") as moved:
        assert moved.read() == PDF


def test_no_code_reads_files_by_local_path():
    """FieldFile.path and MEDIA_ROOT work on one disk only; nothing but settings, the
    filesystem storage and the development media view may use them."""
    allowed = {
        "shop/settings/base.py",
        "shop/settings/test.py",
        "shop/urls.py",
        "shop/uploads/views.py",
        "shop/uploads/storage.py",
    }
    offenders = []
    for source in ROOT.glob("**/*.py"):
        relative = source.relative_to(ROOT).as_posix()
        if (
            relative.startswith((".venv/", "node_modules/", "tests/", "bench/"))
            or relative in allowed
        ):
            continue
        text = source.read_text(encoding="utf-8")
        if re.search(r"\.(file|original|image|document)\.path\b|MEDIA_ROOT", text):
            offenders.append(relative)
    assert offenders == [], offenders


def test_the_environment_chooses_the_s3_store():
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "from django.core.files.storage import storages; "
        "print(json.dumps({k: [type(storages[k]).__name__, getattr(storages[k], 'bucket_name', '')]"
        " for k in ('default', 'private')}))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("S3_")},
        "DJANGO_SETTINGS_MODULE": "shop.settings.dev",
        "S3_MEDIA_BUCKET": "cho-media",
        "S3_PRIVATE_BUCKET": "cho-private",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found == {
        "default": ["S3Storage", "cho-media"],
        "private": ["PrivateS3Storage", "cho-private"],
    }
