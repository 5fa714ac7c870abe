"""Partnerships, organisations and memberships in the operators' read-only view."""

from cspr.partnerships.models import Invitation, Membership, Organisation, Partnership
from cspr.web.admin_site import ReadOnlyAdmin, operators_site


class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "preset")


class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "type")
    search_fields = ("name",)


class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "partnership", "role", "organisation", "is_active")
    list_filter = ("partnership", "role", "is_active")
    search_fields = ("user__email",)


class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "partnership", "role", "created_at", "expires_at", "accepted_at", "withdrawn_at")
    exclude = ("token_hash",)


operators_site.register(Partnership, PartnershipAdmin)
operators_site.register(Organisation, OrganisationAdmin)
operators_site.register(Membership, MembershipAdmin)
operators_site.register(Invitation, InvitationAdmin)
