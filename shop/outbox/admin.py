from django.contrib import admin

from shop.outbox.models import OutboxMessage
from shop.readonly_admin import ReadOnlyModelAdmin


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyModelAdmin):
    """Read-only: what waits, what failed and why. Rows change only through the services."""

    list_display = ("key", "task", "attempts", "next_attempt_at", "done_at", "last_error")
    list_filter = ("task", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("key",)
