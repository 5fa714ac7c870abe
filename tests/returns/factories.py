"""Returns in the states many tests start from (plain functions): organisations to ask, who acts, a colleague of
the designated lead."""

from __future__ import annotations

from cspr.accounts.models import User
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Membership, Organisation, OrganisationType, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import acting_for


def organisations_to_ask(partnership: Partnership, count: int) -> list[int]:
    """``count`` new organisations of the partnership that nobody has asked for information yet; their ids."""
    ids = []
    for number in range(count):
        organisation = Organisation.objects.create(name=f"Test agency {number} (demo)", type=OrganisationType.OTHER)
        PartnershipOrganisation.objects.create(partnership=partnership, organisation=organisation)
        ids.append(organisation.pk)
    return ids


def acting_as(email: str, *, client_ip: str | None = None) -> Acting:
    """This demo person acting (every membership they hold), as a service call outside a request is made."""
    return acting_for(User.objects.get(email=email), client_ip=client_ip)


def colleague_at(organisation: Organisation, partnership: Partnership) -> User:
    """A second agency contributor for the organisation in the partnership, who is not its designated lead."""
    colleague = User.objects.create_user(
        email="police.colleague@example.org", full_name="Test Colleague", password="not-used-123456"
    )
    Membership.objects.create(
        user=colleague, partnership=partnership, role="agency_contributor", organisation=organisation
    )
    return colleague
