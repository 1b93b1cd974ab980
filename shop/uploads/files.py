"""The one check every upload goes through, and the re-encoding of images.

A file is accepted for a use (a `Policy`) only when its bytes are one of the kinds that use
allows, it is no larger than the use's limit, its name's extension agrees with its bytes and
it carries no web-page markup anywhere (a polyglot). Images are then decoded and re-encoded by
Pillow, which drops everything but the pixels (EXIF with GPS, XMP, comments, trailing bytes),
after turning them upright as their EXIF orientation said. What is stored is named by us.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from shop.uploads import content


@dataclass(frozen=True)
class Policy:
    accept: tuple[str, ...]
    max_bytes_setting: str
    wrong_type: str | Promise

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)

    @property
    def accept_attribute(self) -> str:
        """For ``<input type=file accept=…>``: a hint to the browser, never trusted."""
        return ",".join(ext for kind in self.accept for ext in content.EXTENSIONS[kind])


_NOT_A_DOCUMENT = _(
    "“%(name)s” is not a PDF, JPEG, PNG or WebP file (its content is something else)."
)
_NOT_AN_IMAGE = _("“%(name)s” is not a JPEG, PNG or WebP image (its content is something else).")

APPLICATION = Policy(content.DOCUMENTS, "ONBOARDING_MAX_DOCUMENT_BYTES", _NOT_A_DOCUMENT)
LOT_ATTACHMENT = Policy(content.DOCUMENTS, "TRACE_MAX_ATTACHMENT_BYTES", _NOT_A_DOCUMENT)
PRODUCT_IMAGE = Policy(content.IMAGES, "PRODUCT_MAX_IMAGE_BYTES", _NOT_AN_IMAGE)


@dataclass(frozen=True)
class Upload:
    """A checked upload: the bytes to store (under a name we chose) and what we know of them."""

    file: File
    content_type: str
    original_name: str
    size: int
    sha256: str


def upload_clean(upload, *, policy: Policy) -> Upload:
    """Check `upload` for `policy` and return what to store, or raise ValidationError."""
    if isinstance(upload, Upload):
        return upload
    name = os.path.basename(upload.name or "")[-255:]
    if upload.size is not None and upload.size > policy.max_bytes:
        raise _too_large(name, upload.size, policy.max_bytes)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if len(data) > policy.max_bytes:
        raise _too_large(name, len(data), policy.max_bytes)
    content_type = content.sniff(data[: content.HEAD_BYTES])
    if content_type not in policy.accept:
        raise ValidationError(policy.wrong_type, code="wrong_type", params={"name": name})
    if content.looks_like_markup(data):
        raise ValidationError(
            _("“%(name)s” contains web-page code (HTML or SVG) and cannot be accepted."),
            code="markup",
            params={"name": name},
        )
    if not content.extension_matches(name, content_type):
        raise ValidationError(
            _(
                "“%(name)s” is really a %(kind)s file; its name does not say so. Rename it "
                "or choose the right file."
            ),
            code="forged_type",
            params={"name": name, "kind": content.LABELS[content_type]},
        )
    if content_type in content.IMAGES:
        data = image_reencode(data, content_type=content_type, name=name)
    stored = ContentFile(data, name=f"{uuid.uuid4().hex}{content.EXTENSIONS[content_type][0]}")
    return Upload(
        file=stored,
        content_type=content_type,
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is %(size)s; a file here may be at most %(limit)s."),
        code="too_large",
        params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


_FORMATS = {content.JPEG: "JPEG", content.PNG: "PNG", content.WEBP: "WEBP"}


def image_reencode(data: bytes, *, content_type: str, name: str = "") -> bytes:
    """The image's pixels, upright, in the same format, with no metadata but a colour profile."""
    unreadable = ValidationError(
        _("“%(name)s” is not an image we can read (it may be damaged)."),
        code="unreadable",
        params={"name": name},
    )
    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[content_type]]) as image:
            if image.width * image.height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("“%(name)s” has too many pixels (at most %(limit)d million)."),
                    code="too_many_pixels",
                    params={"name": name, "limit": settings.UPLOAD_MAX_IMAGE_PIXELS // 10**6},
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    options = {}
    if upright.info.get("icc_profile"):
        options["icc_profile"] = upright.info["icc_profile"]
    if content_type == content.JPEG:
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        options.update(quality=90, optimize=True)
    elif content_type == content.WEBP:
        options.update(quality=90)
    out = io.BytesIO()
    upright.save(out, format=_FORMATS[content_type], **options)
    return out.getvalue()
