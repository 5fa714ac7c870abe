"""One way for a case page to find its case: :func:`case_page`; and one way for it to ask a service to act through
a form: :func:`case_form_page`.

Every page under ``/cases/<reference>/`` (and the other apps' pages of a case) starts the same way: find the case
through :func:`cspr.cases.selectors.case_get` for the person's scope in the current partnership (both from the
request's acting value), check the page's
object rule, and answer 404 (the refusal audited) when either fails, so that a case outside the person's scope
cannot be told apart from one that does not exist. The decorator does that once and passes the case to the view in
place of its reference.

Most forms of a case go back to the case when the service has acted, and show the case beside the form:
:func:`case_form_page` does that unless the page says otherwise. An app's part of a case (its local review, its
reviewer) is a kind of form page of its own, made by :func:`case_forms`. A file kept for the case is handed over by
:func:`kept_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

import rules
from django.contrib import messages
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from cspr.cases import selectors
from cspr.cases.models import Case
from cspr.cases.panels import case_page_reads
from cspr.core.downloads import KeptFile, kept_file_attachment
from cspr.core.form_views import Act, Context, Finder, FormPages
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.files.services import StoredFileRefused
from cspr.kernel.acting import Acting, acting_from_request

NOT_FOUND = "no such case in the current partnership, or not visible to this person"

CaseView = Callable[..., Any]


def case_page(
    rule: str | None = None, *, refusal: str = NOT_FOUND, read_only: bool = False
) -> Callable[[CaseView], Callable[..., Any]]:
    """Load the case named by the URL's ``reference`` once and call the view as ``view(request, case, ...)``.

    ``rule`` is the object rule (``cspr.*.rules``) the person must pass on the case; without it, or outside their
    scope, the page is a 404 recorded with ``refusal`` (or the not-found reason). ``read_only`` marks the case for a
    page that only reads, so its sections share the rows they read (:func:`cspr.cases.selectors.case_for_page`), and
    reads with the case the one-to-one rows and values its sections ask for (:func:`_read_with_case`).

    The case is of the current partnership and was read with it, so the request's ``partnership`` (the header, the
    audit of sealed reads) becomes that same row rather than a second read of it.
    """

    def decorate(view: CaseView) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, reference: str, **kwargs: Any) -> Any:
            acting = acting_from_request(request)
            related, annotations = _read_with_case() if read_only else ((), {})
            case: Case | None = (
                selectors.case_get(
                    scope=acting.scope,
                    partnership_id=acting.partnership_id,
                    reference=reference,
                    related=related,
                    annotations=annotations,
                )
                if acting.partnership_id is not None
                else None
            )
            if case is None:
                return not_found(request)
            request.partnership = case.partnership  # type: ignore[attr-defined]
            if rule is not None and not rules.test_rule(rule, acting.scope, case):
                return not_found(request, refusal)
            if read_only:
                selectors.case_for_page(case)
            return view(request, case, *args, **kwargs)

        return wrapper

    return decorate


def _read_with_case() -> tuple[tuple[str, ...], dict[str, Any]]:
    """What the read-only case page reads in the same query as its case: the panels' one-to-one rows and values,
    and the page's own (:func:`cspr.cases.selectors.case_page_annotations`)."""
    related, annotations = case_page_reads()
    return related, {**selectors.case_page_annotations(), **annotations}


def not_found(request: HttpRequest, reason: str = NOT_FOUND) -> HttpResponse:
    """A page that cannot be found: a 404, its refusal audited with ``reason`` (by default, no such case)."""
    return refuse(request, reason=reason, status=404)


def kept_file(request: HttpRequest, open_it: Callable[[Acting], KeptFile], *, back: str) -> HttpResponse | FileResponse:
    """The file ``open_it`` has the store open for the person (its opening audited), as an attachment; if the store
    refuses it (missing or changed, audited there), back to the page ``back`` with the reason."""
    try:
        download = open_it(acting_from_request(request))
    except StoredFileRefused as error:
        messages.error(request, error.message)
        return redirect(back)
    return kept_file_attachment(download)


def case_url(case: Case, name: str = "cases:detail") -> str:
    """The address of the case's page ``name``: by default its overview."""
    return reverse(name, kwargs={"reference": case.reference})


def case_address(name: str) -> Callable[[Case], str]:
    """The address of a case's page ``name``, as a function of the case."""
    return partial(case_url, name=name)


def case_forms(
    *,
    templates: str = "",
    home: Callable[[Case], str] = case_url,
    back_text: str = "",
    missing: Callable[[Case], str | None] = lambda case: None,
    closed: Callable[[Case], str | None] = lambda case: None,
    routes: Routes | None = None,
    find: Finder | None = None,
) -> FormPages[Case]:
    """A kind of form page about one case (:class:`cspr.core.form_views.FormPages`): each shows the case and, given
    ``back_text``, a way back to ``home``, where it goes once the service has acted (by default the case)."""

    def shows(request: HttpRequest, case: Case) -> dict[str, Any]:
        back = {"back": home(case), "back_text": back_text} if back_text else {}
        return {"case": case, **back}

    return FormPages(
        templates=templates, home=home, shows=shows, missing=missing, closed=closed, routes=routes, find=find
    )


_CASE_FORMS = case_forms()


def case_form_page[R: HttpResponseBase](
    request: HttpRequest,
    case: Case,
    form: BaseForm,
    *,
    act: Act,
    done: str | Callable[[Any], str],
    template: str,
    then: str | Callable[[Any], R] | None = None,
    context: Context | None = None,
) -> HttpResponse | R:
    """A page of ``case`` whose form asks a service to act (:func:`cspr.core.form_views.form_page`): on success it
    goes to ``then``, by default the case's overview; the page shows the case, and ``context`` besides."""
    return _CASE_FORMS.form(request, case, form, template, act=act, done=done, then=then, context=context)
