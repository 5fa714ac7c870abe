"""Roles: the exact values the Django side stores, and their labels."""

from __future__ import annotations

from cspr.domain.roles import Role


def test_roles_have_exactly_the_agreed_values() -> None:
    assert [role.value for role in Role] == [
        "business_unit",
        "notifier",
        "agency_contributor",
        "prg_chair",
        "prg_member",
        "executive_member",
        "independent_chair",
        "reviewer",
        "partnership_admin",
        "auditor",
    ]


def test_each_role_has_a_human_label() -> None:
    assert [role.label for role in Role] == [
        "Business unit",
        "Notifier",
        "Agency contributor",
        "PRG chair",
        "PRG member",
        "Executive member",
        "Independent chair",
        "Reviewer",
        "Partnership admin",
        "Auditor",
    ]


def test_roles_compare_equal_to_their_stored_strings() -> None:
    assert Role("prg_chair") is Role.PRG_CHAIR
    assert Role.PRG_CHAIR == "prg_chair"


def test_choices_pair_values_with_labels() -> None:
    assert Role.choices()[0] == ("business_unit", "Business unit")
    assert len(Role.choices()) == len(Role)
