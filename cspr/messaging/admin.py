"""The outbox in the operators' read-only view: what is waiting, what failed and why."""

from cspr.core.admin_site import ReadOnlyAdmin, operators_site
from cspr.messaging.models import OutboundMessage


class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "subject", "kind", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("to", "message_id")


operators_site.register(OutboundMessage, OutboundMessageAdmin)
