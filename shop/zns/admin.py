from django.contrib import admin

from shop.zns.models import ZnsMessage


@admin.register(ZnsMessage)
class ZnsMessageAdmin(admin.ModelAdmin):
    """Read-only: which notifications went by Zalo, which by e-mail instead, and why."""

    list_display = ("created_at", "template", "phone", "status", "error_code", "reason")
    list_filter = ("status", "template", "error_code")
    search_fields = ("phone", "email", "tracking_id", "msg_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
