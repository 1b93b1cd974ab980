from django.contrib import admin

from shop.readonly_admin import ReadOnlyModelAdmin
from shop.zns.models import ZnsMessage


@admin.register(ZnsMessage)
class ZnsMessageAdmin(ReadOnlyModelAdmin):
    """Which notifications went by Zalo, which by e-mail instead, and why (Zalo's code)."""

    list_display = ("created_at", "template", "phone", "status", "error_code", "reason")
    list_filter = ("status", "template", "error_code")
    search_fields = ("phone", "email", "tracking_id", "msg_id")
