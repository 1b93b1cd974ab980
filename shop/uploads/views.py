"""MEDIA_URL in development (DEBUG): Django's file server, hardened. Images show inline;
anything else is a download, and nothing is sniffed or allowed to run."""

from django.conf import settings
from django.views.static import serve

from shop.uploads import content
from shop.uploads.responses import harden


def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.get("Content-Type", "").split(";")[0] not in content.IMAGES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    return harden(response)
