"""What an uploaded file really is, from its bytes (pure, no Django).

The browser's content type and the file's name are the uploader's word; the magic bytes are
the file's. A file is accepted only as one of the kinds below, and never when its first bytes
would make a browser take it for HTML (a polyglot).
"""

import hashlib
import re
from typing import BinaryIO

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"

IMAGES = (JPEG, PNG, WEBP)
DOCUMENTS = (PDF, *IMAGES)

EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), WEBP: (".webp",)}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", WEBP: "WebP"}

HEAD_BYTES = 16


def sniff(head: bytes) -> str | None:
    """The content type that `head` (a file's first bytes) starts with, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


# Tags that make a browser (or an SVG viewer) run markup. A file that carries one anywhere is a
# polyglot and is refused, whatever it starts with. Short tags (<a, <b, <p) are left out: they
# turn up by chance in compressed bytes, while these do not.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frame|svg|object|embed|meta|style|form"
    rb"|title|img|div|table|link|base|math)[\s/>]",
    re.IGNORECASE,
)


def looks_like_markup(data: bytes) -> bool:
    return _MARKUP.search(data) is not None


def extension_matches(name: str, content_type: str) -> bool:
    return name.lower().endswith(EXTENSIONS[content_type])


def kinds_label(content_types) -> str:
    return ", ".join(LABELS[c] for c in content_types)


def sha256_of(stream: BinaryIO, chunk_size: int = 64 * 1024) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(chunk_size), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()
