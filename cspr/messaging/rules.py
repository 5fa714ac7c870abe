"""Object-level permission for the outbox page, from the person's memberships in the partnership."""

from __future__ import annotations

import rules

from cspr.core.policy import MESSAGE_VIEWERS
from cspr.partnerships.rules import has_role_in

rules.add_perm("messaging.view_undeliverable", has_role_in(*MESSAGE_VIEWERS))
