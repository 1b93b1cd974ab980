"""What a supporting document really is, from its first bytes (pure, no Django).

The browser's content type and the file's name are the applicant's word; the magic bytes are
the file's. A document is accepted only when they agree on PDF, JPEG or PNG.
"""

import hashlib
from typing import BinaryIO

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)

EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}


def sniff(head: bytes) -> str | None:
    """The content type that `head` (a file's first bytes) starts with, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def extension_matches(name: str, content_type: str) -> bool:
    return name.lower().endswith(EXTENSIONS[content_type])


def sha256_of(stream: BinaryIO, chunk_size: int = 64 * 1024) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(chunk_size), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()
