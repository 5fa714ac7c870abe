"""The roles a person can hold in a partnership (DESIGN §1)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Role"]


class Role(StrEnum):
    """A role held through a membership of one partnership."""

    BUSINESS_UNIT = "business_unit"
    NOTIFIER = "notifier"
    AGENCY_CONTRIBUTOR = "agency_contributor"
    PRG_CHAIR = "prg_chair"
    PRG_MEMBER = "prg_member"
    EXECUTIVE_MEMBER = "executive_member"
    INDEPENDENT_CHAIR = "independent_chair"
    REVIEWER = "reviewer"
    PARTNERSHIP_ADMIN = "partnership_admin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        """The role's name as people read it."""
        return _LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, in declaration order, for forms and model fields."""
        return [(role.value, role.label) for role in cls]


_LABELS: dict[Role, str] = {
    Role.BUSINESS_UNIT: "Business unit",
    Role.NOTIFIER: "Notifier",
    Role.AGENCY_CONTRIBUTOR: "Agency contributor",
    Role.PRG_CHAIR: "PRG chair",
    Role.PRG_MEMBER: "PRG member",
    Role.EXECUTIVE_MEMBER: "Executive member",
    Role.INDEPENDENT_CHAIR: "Independent chair",
    Role.REVIEWER: "Reviewer",
    Role.PARTNERSHIP_ADMIN: "Partnership admin",
    Role.AUDITOR: "Auditor",
}
