"""Object-level permissions on a case, from the actor's scope in the case's partnership.

Every predicate takes either a user (views: ``request.user.has_perm("cases.view_case", case)``) or a
:class:`~cspr.partnerships.scoping.Scope` (services, and the API acting with one membership's permissions:
``rules.test_rule("cases.view_case", scope, case)``). Seeing the case at all always goes through
:func:`cspr.cases.selectors.cases_visible`, the one scoping function for case data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rules

from cspr.cases.models import Case
from cspr.cases.selectors import case_is_visible, case_la_decision_state, case_page_rows, case_reviewed_by
from cspr.core.policy import (
    CASE_ACCESS_GRANTERS,
    CASE_LINKERS,
    CASE_ROUTERS,
    DISCRETIONARY_DECIDERS,
    DOCUMENT_READERS,
    DOCUMENT_UPLOADERS,
    EXTENSION_RECORDERS,
    FAMILY_RECORDERS,
    FREE_TEXT_READERS,
    IDENTIFYING_VIEWERS,
    PROCESS_READERS,
    PROCESS_RECORDERS,
)
from cspr.domain.roles import Role
from cspr.partnerships.models import Organisation, OrganisationType
from cspr.partnerships.rules import _scope as _user_scope
from cspr.partnerships.scoping import Scope


def scope_of(who: Any) -> Scope:
    return who if isinstance(who, Scope) else _user_scope(who)


def la_notifier_organisation_ids(scope: Scope, partnership_id: int, *, case: Case | None = None) -> frozenset[int]:
    """The local-authority organisations this actor is a notifier for, in this partnership.

    With ``case`` (the case the question is about), read once for the read-only case page, whose rules ask it more
    than once (:func:`cspr.cases.selectors.case_page_rows`); an organisation's type does not change within a request.
    """
    candidates = scope.organisation_ids_in(partnership_id, roles=[Role.NOTIFIER])
    if not candidates:
        return frozenset()

    def load() -> frozenset[int]:
        return frozenset(
            Organisation.objects.filter(id__in=candidates, type=OrganisationType.LOCAL_AUTHORITY).values_list(
                "id", flat=True
            )
        )

    if case is None:
        return load()
    return case_page_rows(case, f"la_organisations:{sorted(candidates)}", load)


@rules.predicate
def can_see_case(who: Any, case: Case | None) -> bool:
    if case is None:
        return False
    return case_is_visible(scope=scope_of(who), case=case)


def holds(roles: frozenset[Role], *, name: str = "holds") -> Any:
    """A predicate: the person holds one of ``roles`` in the case's partnership (every app's rules use it). The
    reviewer's role counts only on the case they are commissioned for, while their grant is open
    (:func:`cspr.cases.selectors.case_reviewed_by`): a person who is a reviewer and also, say, an agency's contributor
    sees other cases through the contributor's role and must not act as their reviewer."""

    @rules.predicate(name=f"{name}({','.join(sorted(roles))})")
    def predicate(who: Any, case: Case | None) -> bool:
        if case is None:
            return False
        scope = scope_of(who)
        held = scope.roles_in(case.partnership_id) & roles
        if held - {Role.REVIEWER}:
            return True
        return bool(held) and case_reviewed_by(scope=scope, case=case)

    return predicate


@rules.predicate
def is_la_notifier(who: Any, case: Case | None) -> bool:
    return case is not None and bool(la_notifier_organisation_ids(scope_of(who), case.partnership_id, case=case))


@rules.predicate
def no_la_decision_yet(who: Any, case: Case | None) -> bool:
    return case is not None and not case_la_decision_state(case=case).recorded


@rules.predicate
def case_is_open(who: Any, case: Case | None) -> bool:
    """A closed or withdrawn case is reopened (with a reason) before anything more is decided on it."""
    return case is not None and not case.is_closed


# The LA decision is the local authority's: its notifier records it (and any correction); the business unit may
# record the first one on the LA's behalf, naming the LA officer who decided, but never a later one. Neither on a
# closed or withdrawn case, nor a duty done.
record_la_decision = (
    can_see_case & case_is_open & (is_la_notifier | (holds(frozenset({Role.BUSINESS_UNIT})) & no_la_decision_yet))
)

ROLES: dict[str, frozenset[Role]] = {
    "cases.route_case": CASE_ROUTERS,
    "cases.choose_discretionary_review": DISCRETIONARY_DECIDERS,
    "cases.record_extension": EXTENSION_RECORDERS,
    "cases.attach_document": DOCUMENT_UPLOADERS,
    "cases.view_identifying_details": IDENTIFYING_VIEWERS,
    "cases.read_free_text": FREE_TEXT_READERS,
    "cases.download_document": DOCUMENT_READERS,
    "cases.link_cases": CASE_LINKERS,
    "cases.view_parallel_processes": PROCESS_READERS,
    "cases.record_parallel_processes": PROCESS_RECORDERS,
    "cases.record_family_told": FAMILY_RECORDERS,
    "cases.grant_access": CASE_ACCESS_GRANTERS,
}
"""The rules that need only a role on a case the person sees, and the roles each is open to (the services record
the membership of the first one held, in ``Role``'s order)."""

RULES = {
    "cases.view_case": can_see_case,
    "cases.record_la_decision": record_la_decision,
    "cases.record_duty": can_see_case & case_is_open & (holds(frozenset({Role.BUSINESS_UNIT})) | is_la_notifier),
    **{name: can_see_case & holds(roles) for name, roles in ROLES.items()},
}


def register_rules(table: Mapping[str, Any]) -> None:
    """Add an app's rules to django-rules, each as a rule (``rules.test_rule``) and a permission (``has_perm``)."""
    for name, predicate in table.items():
        rules.add_rule(name, predicate)
        rules.add_perm(name, predicate)


register_rules(RULES)
