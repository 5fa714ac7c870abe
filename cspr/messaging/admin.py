"""The outbox in the operators' read-only view: what is waiting, what failed and why."""

from cspr.messaging.models import OutboundMessage
from cspr.web.admin_site import ReadOnlyAdmin, operators_site


class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "subject", "kind", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("to", "message_id")
    # A message waiting to go may carry a live one-time link (an invitation, a password reset): not shown here.
    exclude = ("body", "html_body")


operators_site.register(OutboundMessage, OutboundMessageAdmin)
