"""Django admin for the core tables: the audit log and the outbox are shown read-only."""

from django.contrib import admin

from schakel.core.models import AuditEvent, OutgoingEmail


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail can be read and searched, never written or removed by hand."""

    list_display = ["created_at", "action", "content_type", "object_repr", "actor", "message"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "message", "actor__username"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox is read-only: e-mails are queued by the services and sent by the worker."""

    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at", "content_type"]
    list_filter = ["status", "content_type"]
    search_fields = ["to", "subject"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
