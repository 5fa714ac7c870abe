"""Pages of a local review about people: practitioner events, the family involvement log and the thread with the
reviewer. Thin views over :mod:`cspr.local_reviews.selectors_people` and :mod:`cspr.local_reviews.services_people`.

Under ``/cases/<reference>/local-review/``, each finds its case with :func:`cspr.cases.pages.case_page` (the person's
scope, which gives a commissioned reviewer their own case only while their grant is open, and the page's object rule:
a 404 otherwise, audited). A case whose review has not started has none of these pages.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import rules
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_page, case_url
from cspr.core.form_views import FormAct, FormPages, calls, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import acting_from_request
from cspr.local_reviews import forms_people, selectors, selectors_people, services_people
from cspr.local_reviews.models import LocalReview
from cspr.local_reviews.models_people import ExplainerVersion
from cspr.local_reviews.views import KEEPING, NO_LOCAL_REVIEW, review_page

routes = Routes()


def _back(request: HttpRequest, case: Case) -> dict[str, str]:
    """Back to the local review for the roles that read it, else (the reviewer) back to the case."""
    if rules.test_rule("local_reviews.view", request.scope, case):  # type: ignore[attr-defined]
        return {"back": case_url(case, "local_reviews:overview"), "back_text": "Back to the local review"}
    return {"back": case_url(case), "back_text": "Back to the case"}


# The forms about people: the local review's (open once it has started, while it is kept), each area's back to its page.
PEOPLE = replace(
    KEEPING,
    templates="local_reviews/people/",
    shows=lambda request, case: {"case": case, **_back(request, case)},
    routes=routes,
    find=None,
)


def _area(page: str, rule: str, refusal: str) -> FormPages[Case]:
    """The forms of one area about people (events, the family log, the thread): for those who pass ``rule`` (else a
    404 refused with ``refusal``), back to the area's ``page``."""
    return replace(PEOPLE, home=case_address(f"local_reviews:{page}"), find=case_page(rule, refusal=refusal))


# -- practitioner events ----------------------------------------------------------------------------------------------


@routes.page("practitioner-events/", name="events")
@review_page("local_reviews.events_view", refusal="may not see the practitioner events")
def events(request: HttpRequest, case: Case, review: LocalReview) -> HttpResponse:
    context = {
        "case": case,
        "events": selectors_people.events_revealed(review=review),
        "can_record": rules.test_rule("local_reviews.events_record", request.scope, case)  # type: ignore[attr-defined]
        and case.stage in selectors.WORKING_STAGES,
        **_back(request, case),
    }
    return render(request, "local_reviews/people/events.html", context)


EVENTS = _area("events", "local_reviews.events_record", "may not record practitioner events")


@EVENTS.page("practitioner-events/add/", name="event-add", done="The practitioner event is recorded")
def event_add(request: HttpRequest, case: Case) -> FormAct:
    organisations = selectors_people.organisation_choices(scope=request.scope, partnership_id=case.partnership_id)  # type: ignore[attr-defined]
    form = forms_people.EventForm(posted(request), organisations=organisations, today=timezone.localdate())
    return form, calls(
        services_people.practitioner_event_record, "held_on", "invited", "attended", "feedback", case=case
    )


# -- the family involvement log ---------------------------------------------------------------------------------------


@routes.page("family/", name="family")
@review_page("local_reviews.family_view", refusal="may not see the family involvement log")
def family(request: HttpRequest, case: Case, review: LocalReview) -> HttpResponse:
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


SERVICE = "The service's wording (the partnership has not changed it)"


def _explainer_choices(case: Case) -> list[tuple[int, str]]:
    kind = ExplainerVersion.Kind.FAMILY
    versions = selectors_people.explainer_versions(partnership_id=case.partnership_id, kind=kind)
    if not versions:
        service = selectors_people.service_explainer(partnership=case.partnership, kind=kind)
        return [(service.number, f"The service's wording, {service.unfinished}" if service.unfinished else SERVICE)]
    choices = []
    for version in reversed(versions):
        label = f"Version {version.number}, saved {version.saved_on:%-d %B %Y}"
        choices.append((version.number, f"{label}, {version.unfinished}" if version.unfinished else label))
    return choices


FAMILY = _area("family", "local_reviews.family_record", "may not record the family's involvement")


@FAMILY.page("family/add/", name="family-add", done="The entry is added to the family involvement log")
def family_add(request: HttpRequest, case: Case) -> FormAct:
    explainers = _explainer_choices(case)
    form = forms_people.FamilyEntryForm(
        posted(request),
        people=selectors_people.family_people(case=case),
        explainers=explainers,
        today=timezone.localdate(),
        initial={"explainer": explainers[0][0]},
    )
    fields = ("person", "kind", "happened_on", "how", "consent", "note", "managed", "explainer")
    return form, calls(services_people.family_entry_record, *fields, case=case)


# -- the thread with the reviewer -------------------------------------------------------------------------------------


THREAD = _area("thread", "local_reviews.thread", "may not see the thread with the reviewer")


@THREAD.view("messages/", name="thread")
def thread(request: HttpRequest, case: Case) -> HttpResponse:
    """The messages between the business unit and the reviewer, and a new one. Opening the page marks the other
    side's messages read."""
    review = selectors.local_review_get(case=case)
    if review is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    if request.method == "GET":
        services_people.reviewer_messages_read(acting=acting_from_request(request), case=case)

    def context() -> dict[str, Any]:
        return {"messages_sent": selectors_people.thread_revealed(review=review)}

    if case.stage not in selectors.WORKING_STAGES and request.method == "GET":  # the thread as it ended: no form
        shown = {"form": None, **THREAD.shows(request, case), **context()}
        return render(request, "local_reviews/people/thread.html", shown)
    return THREAD.form(
        request,
        case,
        forms_people.MessageForm(posted(request)),
        "thread.html",
        act=calls(services_people.reviewer_message_send, "message", case=case),
        done="Your message is sent",
        context=context,
    )
