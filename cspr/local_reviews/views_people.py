"""Pages of a local review about people: practitioner events, the family involvement log and the thread with the
reviewer. Thin views over :mod:`cspr.local_reviews.selectors_people` and :mod:`cspr.local_reviews.services_people`.

Under ``/cases/<reference>/local-review/``, each finds its case with :func:`cspr.cases.pages.case_page` (the person's
scope, which gives a commissioned reviewer their own case only while their grant is open, and the page's object rule:
a 404 otherwise, audited). A case whose review has not started has none of these pages.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.cases.models import Case
from cspr.cases.pages import case_form_page, case_page
from cspr.core.form_views import calls, context_with, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import acting_from_request
from cspr.local_reviews import forms_people, selectors, selectors_people, services_people
from cspr.local_reviews.models_people import ExplainerVersion

routes = Routes()

NO_LOCAL_REVIEW = "no local review on this case"
NOT_KEPT = "The local review is not in progress at this stage of the case, so nothing more can be recorded on it."


def _url(name: str, case: Case) -> str:
    return reverse(f"local_reviews:{name}", kwargs={"reference": case.reference})


def _back(request: HttpRequest, case: Case) -> dict[str, str]:
    """Back to the local review for the roles that read it, else (the reviewer) back to the case."""
    if rules.test_rule("local_reviews.view", request.scope, case):  # type: ignore[attr-defined]
        return {"back": _url("overview", case), "back_text": "Back to the local review"}
    return {"back": reverse("cases:detail", kwargs={"reference": case.reference}), "back_text": "Back to the case"}


def _started(request: HttpRequest, case: Case) -> Any:
    return selectors.local_review_get(case=case)


def _kept_form(request: HttpRequest, case: Case, then: str, **options: Any) -> HttpResponse:
    """A form of a started review while it is kept; on success back to ``then``."""
    if case.stage not in selectors.WORKING_STAGES:
        messages.info(request, NOT_KEPT)
        return redirect(then)
    context = context_with(_back(request, case), options.pop("context", None))
    return case_form_page(request, case, then=then, context=context, **options)


# -- practitioner events ----------------------------------------------------------------------------------------------


@routes.page("practitioner-events/", name="events")
@case_page("local_reviews.events_view", refusal="may not see the practitioner events")
def events(request: HttpRequest, case: Case) -> HttpResponse:
    review = _started(request, case)
    if review is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    context = {
        "case": case,
        "events": selectors_people.events_revealed(review=review),
        "can_record": rules.test_rule("local_reviews.events_record", request.scope, case)  # type: ignore[attr-defined]
        and case.stage in selectors.WORKING_STAGES,
        **_back(request, case),
    }
    return render(request, "local_reviews/people/events.html", context)


@routes.page("practitioner-events/add/", name="event-add")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page("local_reviews.events_record", refusal="may not record practitioner events")
def event_add(request: HttpRequest, case: Case) -> HttpResponse:
    if _started(request, case) is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    organisations = selectors_people.organisation_choices(scope=request.scope, partnership_id=case.partnership_id)  # type: ignore[attr-defined]
    return _kept_form(
        request,
        case,
        _url("events", case),
        form=forms_people.EventForm(posted(request), organisations=organisations, today=timezone.localdate()),
        template="local_reviews/people/event_add.html",
        act=calls(services_people.practitioner_event_record, "held_on", "invited", "attended", "feedback", case=case),
        done="The practitioner event is recorded",
    )


# -- the family involvement log ---------------------------------------------------------------------------------------


@routes.page("family/", name="family")
@case_page("local_reviews.family_view", refusal="may not see the family involvement log")
def family(request: HttpRequest, case: Case) -> HttpResponse:
    review = _started(request, case)
    if review is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    people = selectors_people.family_log_revealed(case=case, review=review)
    services_people.family_log_opened(
        acting=acting_from_request(request), case=case, entries=sum(len(person.entries) for person in people)
    )
    context = {
        "case": case,
        "people": people,
        "can_record": rules.test_rule("local_reviews.family_record", request.scope, case)  # type: ignore[attr-defined]
        and case.stage in selectors.WORKING_STAGES,
        **_back(request, case),
    }
    return render(request, "local_reviews/people/family.html", context)


def _explainer_choices(case: Case) -> list[tuple[int, str]]:
    kind = ExplainerVersion.Kind.FAMILY
    versions = selectors_people.explainer_versions(partnership_id=case.partnership_id, kind=kind)
    if not versions:
        return [(selectors_people.SERVICE_WORDING, "The service's wording (the partnership has not changed it)")]
    return [
        (version.number, f"Version {version.number}, saved {version.saved_on:%-d %B %Y}")
        for version in reversed(versions)
    ]


@routes.page("family/add/", name="family-add")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page("local_reviews.family_record", refusal="may not record the family's involvement")
def family_add(request: HttpRequest, case: Case) -> HttpResponse:
    if _started(request, case) is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    explainers = _explainer_choices(case)
    form = forms_people.FamilyEntryForm(
        posted(request),
        people=selectors_people.family_people(case=case),
        explainers=explainers,
        today=timezone.localdate(),
        initial={"explainer": explainers[0][0]},
    )
    fields = ("person", "kind", "happened_on", "how", "consent", "note", "managed", "explainer")
    return _kept_form(
        request,
        case,
        _url("family", case),
        form=form,
        template="local_reviews/people/family_add.html",
        act=calls(services_people.family_entry_record, *fields, case=case),
        done="The entry is added to the family involvement log",
    )


# -- the thread with the reviewer -------------------------------------------------------------------------------------


@routes.page("messages/", name="thread")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page("local_reviews.thread", refusal="may not see the thread with the reviewer")
def thread(request: HttpRequest, case: Case) -> HttpResponse:
    """The messages between the business unit and the reviewer, and a new one. Opening the page marks the other
    side's messages read."""
    review = _started(request, case)
    if review is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    if request.method == "GET":
        services_people.reviewer_messages_read(acting=acting_from_request(request), case=case)

    def context() -> dict[str, Any]:
        return {"messages_sent": selectors_people.thread_revealed(review=review), **_back(request, case)}

    if case.stage not in selectors.WORKING_STAGES and request.method == "GET":  # the thread as it ended: no form
        return render(request, "local_reviews/people/thread.html", {"case": case, "form": None, **context()})
    return _kept_form(
        request,
        case,
        _url("thread", case),
        form=forms_people.MessageForm(posted(request)),
        template="local_reviews/people/thread.html",
        act=calls(services_people.reviewer_message_send, "message", case=case),
        done="Your message is sent",
        context=context,
    )
