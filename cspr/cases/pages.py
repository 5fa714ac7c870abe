"""One way for a case page to find its case: :func:`case_page`.

Every page under ``/cases/<reference>/`` (and the other apps' pages of a case) starts the same way: find the case
through :func:`cspr.cases.selectors.case_get` for the person's scope in the current partnership (both from the
request's acting value), check the page's
object rule, and answer 404 (the refusal audited) when either fails, so that a case outside the person's scope
cannot be told apart from one that does not exist. The decorator does that once and passes the case to the view in
place of its reference.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.http import HttpRequest, HttpResponse

from cspr.cases import selectors
from cspr.cases.models import Case
from cspr.core.middleware import refuse
from cspr.kernel.acting import acting_from_request

NOT_FOUND = "no such case in the current partnership, or not visible to this person"

CaseView = Callable[..., Any]


def case_page(
    rule: str | None = None, *, refusal: str = NOT_FOUND, read_only: bool = False
) -> Callable[[CaseView], Callable[..., Any]]:
    """Load the case named by the URL's ``reference`` once and call the view as ``view(request, case, ...)``.

    ``rule`` is the object rule (``cspr.*.rules``) the person must pass on the case; without it, or outside their
    scope, the page is a 404 recorded with ``refusal`` (or the not-found reason). ``read_only`` marks the case for a
    page that only reads, so its sections share the rows they read (:func:`cspr.cases.selectors.case_for_page`).
    """

    def decorate(view: CaseView) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, reference: str, **kwargs: Any) -> Any:
            acting = acting_from_request(request)
            case: Case | None = (
                selectors.case_get(scope=acting.scope, partnership_id=acting.partnership_id, reference=reference)
                if acting.partnership_id is not None
                else None
            )
            if case is None:
                return _not_found(request, NOT_FOUND)
            if rule is not None and not rules.test_rule(rule, acting.scope, case):
                return _not_found(request, refusal)
            if read_only:
                selectors.case_for_page(case)
            return view(request, case, *args, **kwargs)

        return wrapper

    return decorate


def _not_found(request: HttpRequest, reason: str) -> HttpResponse:
    return refuse(request, reason=reason, status=404)
