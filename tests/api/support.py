"""What the URL policy test needs to request the API's patterns: bearer clients and a case to read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from cspr.accounts.models import User
from cspr.api.services import api_token_issue
from cspr.cases.models import Case
from cspr.cases.services import notification_submit
from cspr.kernel.acting import system_acting
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import acting_for
from tests.cases.support import unidentified_child_notification

API_POST_ONLY = frozenset({"api:notification-create"})
API_CASE_PAGES = frozenset(
    {
        "api:case-detail",
        "api:case-clocks",
        "api:case-information-requests",
        "api:case-rapid-review",
        "api:case-parallel-processes",
        "api:case-local-review",
    }
)


def api_client_for(email: str, partnership: Partnership) -> Client:
    """A client carrying a fresh token for this person's (one) membership of ``partnership``; no session."""
    membership = Membership.objects.get(user__email=email, partnership=partnership, is_active=True)
    token = api_token_issue(acting=system_acting(), membership=membership, name="URL policy test").secret
    return Client(headers={"Authorization": f"Bearer {token}"})


def api_policy_case(partnership: Partnership) -> Case:
    """A case every role that may read cases can see (the health agency is involved, for its contributor)."""
    notifier = User.objects.get(email="notifier@example.org")
    today = timezone.localdate()
    data = unidentified_child_notification(
        "Policy Test",
        "Known to health services.",
        la_aware_on=today - timedelta(days=1),
        incident_on=today - timedelta(days=2),
        agencies_involved=("Northvale Integrated Care Board (demo)",),
    )
    return notification_submit(acting=acting_for(notifier), partnership=partnership, data=data, as_referral=False)


def api_url_kwargs(name: str, partnership: Partnership) -> dict[str, Any]:
    if name in API_CASE_PAGES:
        return {"reference": api_policy_case(partnership).reference}
    return {}
