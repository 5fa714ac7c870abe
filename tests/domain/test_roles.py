"""Roles: the exact values the Django side stores, and their labels."""

from __future__ import annotations

from cspr.domain.roles import Role
from cspr.kernel.records import choices_of

# The agreed roles in their order: the value the Django side stores, and the label people read.
AGREED = [
    ("business_unit", "Business unit"),
    ("notifier", "Notifier"),
    ("agency_contributor", "Agency contributor"),
    ("prg_chair", "PRG chair"),
    ("prg_member", "PRG member"),
    ("executive_member", "Executive member"),
    ("independent_chair", "Independent chair"),
    ("reviewer", "Reviewer"),
    ("partnership_admin", "Partnership admin"),
    ("auditor", "Auditor"),
]


def test_roles_have_exactly_the_agreed_values() -> None:
    assert [role.value for role in Role] == [value for value, _ in AGREED]


def test_each_role_has_a_human_label() -> None:
    assert [role.label for role in Role] == [label for _, label in AGREED]


def test_roles_compare_equal_to_their_stored_strings() -> None:
    assert Role("prg_chair") is Role.PRG_CHAIR
    assert Role.PRG_CHAIR == "prg_chair"


def test_choices_pair_values_with_labels() -> None:
    assert choices_of(Role)[0] == ("business_unit", "Business unit")
    assert len(choices_of(Role)) == len(Role)
