"""The partnership's explainers (§6.6): for a family, for a practitioner invited to a learning event, for an agency
asked for information. Under ``/partnership/explainers/``; the business unit and the partnership admin read, change
(every save a new version) and print them. Thin views over :mod:`cspr.local_reviews.selectors_people` and
:func:`cspr.local_reviews.services_people.explainer_save`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cspr.core.form_views import calls, edit_page, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.edits import OPENED_VERSION
from cspr.local_reviews import forms_people, selectors_people, services_people
from cspr.local_reviews.models_people import ExplainerVersion
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page

routes = Routes()

EDIT = "local_reviews.edit_explainers"
REFUSED = "may not see the partnership's explainers"
KINDS = ExplainerVersion.Kind


def _explainer_url(kind: str) -> str:
    return reverse("explainers:explainer", kwargs={"kind": kind})


@routes.page("", name="list")
@partnership_page(EDIT, refusal=REFUSED)
def explainer_list(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    current = [selectors_people.explainer_current(partnership=partnership, kind=kind) for kind in KINDS.values]
    return render(request, "local_reviews/people/explainers.html", {"partnership": partnership, "current": current})


@routes.page("<slug:kind>/", name="explainer")
@partnership_page(EDIT, refusal=REFUSED)
def explainer(request: HttpRequest, partnership: Partnership, kind: str) -> HttpResponse:
    if kind not in KINDS.values:
        return refuse(request, reason="no such explainer", status=404)
    context = {
        "current": selectors_people.explainer_current(partnership=partnership, kind=kind),
        "versions": selectors_people.explainer_versions(partnership_id=partnership.pk, kind=kind),
        "back": reverse("explainers:list"),
        "back_text": "Back to the explainers",
    }
    return render(request, "local_reviews/people/explainer.html", context)


@routes.page("<slug:kind>/edit/", name="edit")
@require_http_methods(["GET", "POST"])
@partnership_page(EDIT, refusal=REFUSED)
def edit(request: HttpRequest, partnership: Partnership, kind: str) -> HttpResponse:
    """A new version, from the current one; a save made from an older version is refused (409) and shows what is
    saved now beside what was typed."""
    if kind not in KINDS.values:
        return refuse(request, reason="no such explainer", status=404)
    current = selectors_people.explainer_current(partnership=partnership, kind=kind)
    saved = {"title": current.title, "body": current.body}
    form = forms_people.ExplainerForm(posted(request), initial=saved)
    return edit_page(
        request,
        form,
        save=calls(services_people.explainer_save, "title", "body", OPENED_VERSION, partnership=partnership, kind=kind),
        done="A new version of the explainer is saved",
        then=_explainer_url(kind),
        template="local_reviews/people/explainer_edit.html",
        context={"current": current, "back": _explainer_url(kind), "back_text": "Back to the explainer"},
        version=lambda: current.number,
        labels={"title": "Title", "body": "The words"},
        saved=saved,
    )


def _version(request: HttpRequest, partnership: Partnership, kind: str, number: int, template: str) -> HttpResponse:
    found = selectors_people.explainer_get(partnership=partnership, kind=kind, number=number) if kind in KINDS else None
    if found is None:
        return refuse(request, reason="no such version of the explainer", status=404)
    context = {
        "version": found,
        "blocks": selectors_people.explainer_blocks(found.body),
        "back": _explainer_url(kind),
        "back_text": "Back to the explainer",
    }
    return render(request, f"local_reviews/people/{template}", context)


@routes.page("<slug:kind>/<int:number>/", name="version")
@partnership_page(EDIT, refusal=REFUSED)
def version(request: HttpRequest, partnership: Partnership, kind: str, number: int) -> HttpResponse:
    return _version(request, partnership, kind, number, "explainer_version.html")


@routes.page("<slug:kind>/<int:number>/print/", name="print")
@partnership_page(EDIT, refusal=REFUSED)
def print_view(request: HttpRequest, partnership: Partnership, kind: str, number: int) -> HttpResponse:
    return _version(request, partnership, kind, number, "explainer_print.html")
