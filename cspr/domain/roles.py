"""The roles a person can hold in a partnership (DESIGN §1)."""

from __future__ import annotations

from cspr.domain.labels import Labelled

__all__ = ["Role"]


class Role(Labelled):
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

    __labels__ = {PRG_CHAIR: "PRG chair", PRG_MEMBER: "PRG member"}
