"""Returns in the states many tests start from (plain functions): organisations to ask, who acts."""

from __future__ import annotations

from cspr.accounts.models import User
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Organisation, OrganisationType, Partnership, PartnershipOrganisation
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
