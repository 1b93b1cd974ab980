from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from shop import health, roles


@never_cache
def healthz(request):
    results = {name: check() for name, check in health.CHECKS.items()}
    body = {
        "status": "ok" if all(ok for ok, _ in results.values()) else "unavailable",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()},
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@never_cache
def signed_in(request):
    """LOGIN_REDIRECT_URL: after signing in (with no page asked for), to one's work."""
    return redirect(roles.start_page(request.user))


def legal_page(request, key: str):
    """One stable address per legal page (``cms.selectors.LEGAL_PAGE_SLUGS``), for links made
    where the CMS cannot be imported (consent texts): on to the page, or 404 before it is
    published."""
    from django.http import Http404

    from cms.selectors import LEGAL_PAGE_SLUGS, legal_page_url

    url = legal_page_url(key=key, request=request) if key in LEGAL_PAGE_SLUGS else ""
    if not url:
        raise Http404
    return redirect(url)
