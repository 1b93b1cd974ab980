"""The wards and communes of a province, as JSON, for the ward picker (static/shop/ward_picker.js).

Public and the same for everyone (official units, shop/geo.py), so browsers and caches keep it.
"""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from shop import geo
from shop.text import fold

MAX_AGE = 24 * 60 * 60


@require_GET
def province_wards(request, province_code: int):
    province = geo.province(province_code)
    if province is None:
        return JsonResponse({"error": "unknown province"}, status=404)
    wards = [
        {"code": code, "name": name, "search": fold(name)}
        for code, name in geo.ward_choices(province_code)
    ]
    response = JsonResponse(
        {"province": {"code": province_code, "name": province.name}, "wards": wards},
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
