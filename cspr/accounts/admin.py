"""Accounts in the operators' read-only view (never the password hash)."""

from cspr.accounts.models import User
from cspr.web.admin_site import ReadOnlyAdmin, operators_site


class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "full_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("email", "full_name")
    fields = ("email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login")


operators_site.register(User, UserAdmin)
