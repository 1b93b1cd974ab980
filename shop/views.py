from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from shop import health


@never_cache
def healthz(request):
    results = {name: check() for name, check in health.CHECKS.items()}
    body = {
        "status": "ok" if all(ok for ok, _ in results.values()) else "unavailable",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()},
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
