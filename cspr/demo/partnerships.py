"""Invented demo data: two partnerships, their agencies, and one person per role.

Every name here is made up. The e-mail addresses use example.org, which is reserved
for documentation and can never reach a real inbox.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from cspr.accounts.services import user_get_or_create
from cspr.calendars.services import closure_day_add
from cspr.demo.cases import seed_demo_cases
from cspr.demo.letters import seed_demo_letterhead
from cspr.demo.returns import seed_demo_returns
from cspr.demo.reviewers import seed_demo_reviewers
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting, system_acting
from cspr.partnerships.models import ContactKind, OrganisationType, Partnership
from cspr.partnerships.services import contact_set, membership_grant, organisation_link, partnership_create

DEMO_PASSWORD = "demo-only-Northvale-2026"  # noqa: S105 - printed for the demo; never used outside DEMO_MODE

SHARED_POLICE = "Vale and Moor Police (demo)"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role
    organisation: str | None = None


NORTHVALE_ORGANISATIONS = [
    # name, type, safeguarding partner, statutory agency at the PRG
    ("Northvale Council Children's Services (demo)", OrganisationType.LOCAL_AUTHORITY, True, True),
    ("Northvale Integrated Care Board (demo)", OrganisationType.HEALTH, True, True),
    (SHARED_POLICE, OrganisationType.POLICE, True, True),
    ("Western Probation Region (demo)", OrganisationType.PROBATION, False, True),
    ("Northvale Fire and Rescue Service (demo)", OrganisationType.FIRE_AND_RESCUE, False, True),
    ("Northvale Learning Trust (demo)", OrganisationType.EDUCATION, False, False),
]

SOUTHMOOR_ORGANISATIONS = [
    ("Southmoor Council Children's Services (demo)", OrganisationType.LOCAL_AUTHORITY, True, True),
    ("Southmoor Integrated Care Board (demo)", OrganisationType.HEALTH, True, True),
    (SHARED_POLICE, OrganisationType.POLICE, True, True),
]

NORTHVALE_LA = NORTHVALE_ORGANISATIONS[0][0]
NORTHVALE_PEOPLE = [
    DemoPerson("business.unit@example.org", "Bea Unwin", Role.BUSINESS_UNIT),
    DemoPerson("notifier@example.org", "Nadia Fenwick", Role.NOTIFIER, NORTHVALE_LA),
    DemoPerson(
        "contributor.health@example.org", "Hari Lestrange", Role.AGENCY_CONTRIBUTOR, NORTHVALE_ORGANISATIONS[1][0]
    ),
    DemoPerson("prg.chair@example.org", "Priya Garrow", Role.PRG_CHAIR),
    DemoPerson("prg.member@example.org", "Owen Maddox", Role.PRG_MEMBER, NORTHVALE_ORGANISATIONS[4][0]),
    # One Executive member per lead safeguarding partner: each signs off the rapid review for its organisation.
    DemoPerson(
        "executive.health@example.org", "Hollis Brackenridge", Role.EXECUTIVE_MEMBER, NORTHVALE_ORGANISATIONS[1][0]
    ),
    DemoPerson("executive.police@example.org", "Perrin Ashgrove", Role.EXECUTIVE_MEMBER, SHARED_POLICE),
    DemoPerson("executive@example.org", "Evelyn Stroud", Role.EXECUTIVE_MEMBER, NORTHVALE_LA),
    DemoPerson("independent.chair@example.org", "Isaac Penrose", Role.INDEPENDENT_CHAIR),
    DemoPerson("reviewer@example.org", "Rowan Achterberg", Role.REVIEWER),
    DemoPerson("admin@example.org", "Ada Quarrie", Role.PARTNERSHIP_ADMIN),
    DemoPerson("auditor@example.org", "Aurelio Vance", Role.AUDITOR),
    DemoPerson("police.lead@example.org", "Morgan Holloway", Role.AGENCY_CONTRIBUTOR, SHARED_POLICE),
]
SOUTHMOOR_PEOPLE = [
    DemoPerson("southmoor.business.unit@example.org", "Sol Braddock", Role.BUSINESS_UNIT),
    DemoPerson("police.lead@example.org", "Morgan Holloway", Role.AGENCY_CONTRIBUTOR, SHARED_POLICE),
]

CONTACTS = [
    (ContactKind.PANEL, "Child Safeguarding Practice Review Panel (demo contact)", "panel.demo@example.org"),
    (ContactKind.SECRETARY_OF_STATE, "Secretary of State's office (demo contact)", "sos.demo@example.org"),
    (ContactKind.OFSTED, "Ofsted notifications (demo contact)", "ofsted.demo@example.org"),
    (ContactKind.DFE, "Department for Education (demo contact)", "dfe.demo@example.org"),
]


@dataclass(frozen=True)
class DemoPartnership:
    """A demo partnership, named after its one local authority area."""

    area: str
    code: str
    preset: str
    organisations: list[tuple[str, OrganisationType, bool, bool]]
    people: list[DemoPerson]

    @property
    def name(self) -> str:
        return f"{self.area} Safeguarding Children Partnership (demo)"


# Northvale first: the demo cases, closure days, rapid review and returns are all Northvale's.
DEMO_PARTNERSHIPS = (
    DemoPartnership("Northvale", "NVALE", "bnes-2020", NORTHVALE_ORGANISATIONS, NORTHVALE_PEOPLE),
    DemoPartnership("Southmoor", "SMOOR", "wt-2023", SOUTHMOOR_ORGANISATIONS, SOUTHMOOR_PEOPLE),
)


def demo_logins() -> dict[str, str]:
    """Each demo e-mail address with its roles in words, in the order the people are listed."""
    logins: dict[str, list[str]] = {}
    for demo in DEMO_PARTNERSHIPS:
        for person in demo.people:
            where = f" for {person.organisation}" if person.organisation else ""
            logins.setdefault(person.email, []).append(f"{person.role.label}{where} ({demo.area})")
    return {email: "; ".join(roles) for email, roles in logins.items()}


def _seed_partnership(*, acting: Acting, demo: DemoPartnership) -> Partnership:
    partnership = partnership_create(
        acting=acting, name=demo.name, code=demo.code, local_authority_areas=[demo.area], preset=demo.preset
    )
    links = {}
    for org_name, org_type, is_partner, is_statutory in demo.organisations:
        link = organisation_link(
            acting=acting,
            partnership=partnership,
            name=org_name,
            type=org_type,
            is_safeguarding_partner=is_partner,
            is_statutory_agency=is_statutory,
        )
        links[org_name] = link.organisation
    for kind, contact_name, email in CONTACTS:
        contact_set(acting=acting, partnership=partnership, kind=kind, name=contact_name, email=email)
    for person in demo.people:
        user, _ = user_get_or_create(
            acting=acting, email=person.email, full_name=person.full_name, password=DEMO_PASSWORD
        )
        organisation = links[person.organisation] if person.organisation else None
        membership_grant(acting=acting, user=user, partnership=partnership, role=person.role, organisation=organisation)
    return partnership


# Northvale's office closes between Christmas and New Year; these days extend its local targets only.
NORTHVALE_CLOSURE_DAYS = [datetime.date(2026, 12, 24), *(datetime.date(2026, 12, day) for day in (29, 30, 31))]


def seed_demo() -> bool:
    """Load the demo data if no partnership exists yet. Returns whether anything was loaded."""
    if Partnership.objects.exists():
        return False
    acting = system_acting()  # the service loads its own demo: nobody signed in, no membership
    with transaction.atomic():
        northvale, _southmoor = [_seed_partnership(acting=acting, demo=demo) for demo in DEMO_PARTNERSHIPS]
        for day in NORTHVALE_CLOSURE_DAYS:
            closure_day_add(acting=acting, partnership=northvale, day=day, description="Christmas shutdown")
        seed_demo_letterhead(acting=acting, partnership=northvale)
        seed_demo_reviewers(partnership=northvale)  # before the cases: the local review cases commission from it
        seed_demo_cases(partnership=northvale)
        seed_demo_returns(partnership=northvale)
    return True
