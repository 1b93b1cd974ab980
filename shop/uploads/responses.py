"""How stored uploads are sent back: always as a download, never rendered by the browser."""

from django.http import FileResponse, HttpResponseBase

from shop.uploads import content

SANDBOX = "sandbox; default-src 'none'"


def harden(response: HttpResponseBase) -> HttpResponseBase:
    """No content sniffing, and a page that cannot run anything even if it were opened."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response


def attachment_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download. A type we do not accept today (an attachment stored before
    uploads were checked) goes out as opaque bytes."""
    if content_type not in content.DOCUMENTS:
        content_type = "application/octet-stream"
    response = FileResponse(
        file, as_attachment=True, filename=filename or "file", content_type=content_type
    )
    return harden(response)
