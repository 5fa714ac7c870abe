"""Returns in the states many tests start from (plain functions): organisations to ask, who acts."""

from __future__ import annotations

from typing import Any

from cspr.accounts.models import User
from cspr.partnerships.models import Organisation, OrganisationType, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import scope_for


def organisations_to_ask(partnership: Partnership, count: int) -> list[int]:
    """``count`` new organisations of the partnership that nobody has asked for information yet; their ids."""
    ids = []
    for number in range(count):
        organisation = Organisation.objects.create(name=f"Test agency {number} (demo)", type=OrganisationType.OTHER)
        PartnershipOrganisation.objects.create(partnership=partnership, organisation=organisation)
        ids.append(organisation.pk)
    return ids


def acting_as(email: str) -> dict[str, Any]:
    """The ``actor`` and ``scope`` keywords of a service call made by this demo person."""
    person = User.objects.get(email=email)
    return {"actor": person, "scope": scope_for(person)}
