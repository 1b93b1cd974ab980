from django.contrib import admin

from shop.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what waits, what failed and why. Rows change only through the services."""

    list_display = ("key", "task", "attempts", "next_attempt_at", "done_at", "last_error")
    list_filter = ("task", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
