"""The audit trail in the operators' read-only view (it is append-only in any case)."""

from cspr.audit.models import AuditEvent
from cspr.web.admin_site import ReadOnlyAdmin, operators_site


class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "verb", "actor", "partnership", "object_type", "object_id")
    list_filter = ("verb",)
    search_fields = ("verb", "object_id")


operators_site.register(AuditEvent, AuditEventAdmin)
