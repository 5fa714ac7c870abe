"""Who may read, prepare and record a case's letters, and set the partnership's letterhead.

A case's rules first need the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership. A letter that names the family also needs ``cases.view_identifying_details``, which the service
asks when it reveals them.
"""

from __future__ import annotations

import rules

from cspr.cases.rules import can_see_case, holds
from cspr.core.policy import LETTER_READERS, LETTER_WRITERS, LETTERHEAD_EDITORS
from cspr.domain.roles import Role
from cspr.partnerships.rules import has_role_in

ROLES: dict[str, frozenset[Role]] = {
    "letters.view": LETTER_READERS,
    "letters.prepare": LETTER_WRITERS,
}

for _name, _roles in ROLES.items():
    _predicate = can_see_case & holds(_roles, name="letters_holds")
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)

rules.add_perm("letters.edit_letterhead", has_role_in(*LETTERHEAD_EDITORS))
