"""Report a serious incident: the start page, the question pages, "Check your answers", drafts and confirmation.

A local authority's notifier notifies; anyone else with an organisation in the partnership refers (§3.8): the
membership decides which, never the form. Every page saves what was typed into the person's draft (encrypted;
:mod:`cspr.cases.drafts`), so leaving, an error or an ended session loses nothing. URLs carry only the draft's
random uuid and the page's name, the session nothing at all.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cspr.cases import drafts
from cspr.cases.models_drafts import NotificationDraft
from cspr.cases.presenters import assessed_duties
from cspr.cases.selectors import case_clocks, case_get
from cspr.cases.services import NotificationInvalid, NotificationRefused
from cspr.core.forms import field_components, govuk_date
from cspr.core.pagination import paginate
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.intake import forms as notify_forms
from cspr.intake.forms import (
    CHECK,
    STEPS_BY_SLUG,
    AddAnotherForm,
    ChildForm,
    DocumentForm,
    FormContext,
    HouseholdMemberForm,
    PageForm,
    Step,
)
from cspr.kernel.acting import acting_from_request
from cspr.kernel.crypto import DecryptionError
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.selectors import partnership_get, partnership_organisations

routes = Routes()

SAVED_FOR_LATER = "Your answers are saved. You can come back to them from this list at any time."
DRAFT_DELETED = "The draft is deleted."

ITEMS = {
    "children": {
        "form": ChildForm,
        "singular": "child",
        "add_label": "Do you need to add another child?",
        "add_message": "Select yes if you need to add another child",
        "title_add": "Add a child",
        "title_edit": "Change the child's details",
        "url": "notify:child",
        "url_add": "notify:child-add",
        "url_remove": "notify:child-remove",
    },
    "household": {
        "form": HouseholdMemberForm,
        "singular": "person",
        "add_label": "Do you need to add a parent, carer, sibling or other household member?",
        "add_message": "Select yes if you need to add a parent, carer, sibling or other household member",
        "title_add": "Add a parent, carer, sibling or household member",
        "title_edit": "Change their details",
        "url": "notify:member",
        "url_add": "notify:member-add",
        "url_remove": "notify:member-remove",
    },
}


# -- who, and which draft ---------------------------------------------------------------------------------------------


class Reporter:
    """The person reporting in their current partnership, with the draft when the page has one."""

    def __init__(self, request: HttpRequest, mode: drafts.ReportingMode, draft: NotificationDraft | None) -> None:
        self.request = request
        self.mode = mode
        self.draft = draft
        self.unreadable = False
        try:
            self.answers: dict[str, Any] = draft.answers if draft is not None else {}
        except DecryptionError:  # its key was removed, or the row was tampered with: it can only be deleted
            self.answers = {}
            self.unreadable = True
        self.context = notify_forms.form_context(self.answers, self._base_context())

    def _base_context(self) -> FormContext:
        request = self.request
        organisations = partnership_organisations(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
        return FormContext(
            as_referral=self.mode.as_referral,
            today=timezone.localdate(),
            organisations=tuple(link.organisation.name for link in organisations),
            person_name=str(getattr(request.user, "full_name", "") or ""),
            person_email=str(getattr(request.user, "email", "") or ""),
        )

    def refresh(self, draft: NotificationDraft) -> None:
        self.draft = draft
        self.answers = draft.answers
        self.context = notify_forms.form_context(self.answers, self._base_context())

    @property
    def can_attach(self) -> bool:
        return self.mode.can_attach_documents

    def next_after(self, slug: str, *, page_answers: dict[str, Any] | None = None) -> str:
        """The page after ``slug``; with ``page_answers``, as if they were saved for it (the nature decides pages)."""
        context = self.context
        if page_answers is not None:
            answers = {**self.answers, "pages": {**self.answers.get("pages", {}), slug: page_answers}}
            context = notify_forms.form_context(answers, self._base_context())
        return notify_forms.step_after(slug, context, can_attach=self.can_attach)

    def applies(self, slug: str) -> bool:
        step = STEPS_BY_SLUG.get(slug)
        return step is not None and step.applies(self.context, self.can_attach)

    def back_from(self, slug: str) -> str | None:
        return notify_forms.step_before(slug, self.context, can_attach=self.can_attach)


def _mode(request: HttpRequest) -> drafts.ReportingMode | None:
    return drafts.reporting_mode(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]


def with_reporter(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Finds the person's own draft (anybody else's is "not found") and how they report here.

    A draft that can no longer be decrypted can only be deleted (``view.allows_unreadable``).
    """

    def wrapped(request: HttpRequest, draft: uuid.UUID, **kwargs: Any) -> HttpResponse:
        found = drafts.draft_get(user=request.user, partnership_id=request.partnership_id, draft_uuid=draft)  # type: ignore[attr-defined]
        if found is None:
            # Submitted already (the draft went when its case was made): show that case's confirmation again.
            partnership_id = request.partnership_id  # type: ignore[attr-defined]
            reference = drafts.submitted_reference(user=request.user, partnership_id=partnership_id, draft_uuid=draft)
            if reference is not None:
                return redirect("notify:submitted", reference=reference)
            return refuse(request, reason="not this person's draft in this partnership", status=404)
        mode = _mode(request)
        if mode is None:
            return redirect("notify:start")
        reporter = Reporter(request, mode, found)
        if reporter.unreadable and not getattr(view, "allows_unreadable", False):
            return render(request, "cases/notify/unreadable.html", {"draft": found, "mode": mode}, status=409)
        return view(request, reporter, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def even_when_unreadable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    view.allows_unreadable = True  # type: ignore[attr-defined]
    return view


def _changing(request: HttpRequest) -> bool:
    return request.GET.get("change") == "1"


def _step_url(draft: NotificationDraft, slug: str, *, change: bool = False) -> str:
    if slug == CHECK:
        return reverse("notify:check", kwargs={"draft": draft.uuid})
    url = reverse("notify:page", kwargs={"draft": draft.uuid, "step": slug})
    return f"{url}?{urlencode({'change': 1})}" if change else url


def _item_url(draft: NotificationDraft, kind: str, key: str = "", *, change: bool = False, remove: bool = False) -> str:
    spec = ITEMS[kind]
    if remove:
        url = reverse(str(spec["url_remove"]), kwargs={"draft": draft.uuid, "key": key})
    elif key:
        url = reverse(str(spec["url"]), kwargs={"draft": draft.uuid, "key": key})
    else:
        url = reverse(str(spec["url_add"]), kwargs={"draft": draft.uuid})
    return f"{url}?{urlencode({'change': 1})}" if change else url


def _page(
    request: HttpRequest, template: str, reporter: Reporter, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("mode", reporter.mode)
    context.setdefault("draft", reporter.draft)
    context.setdefault("noun", "referral" if reporter.mode.as_referral else "notification")
    return render(request, f"cases/notify/{template}", context, status=status)


def _save_later(request: HttpRequest) -> HttpResponse:
    messages.success(request, SAVED_FOR_LATER)
    return redirect("notify:drafts")


def _autosaved() -> HttpResponse:
    """The answer to the page script's background save: saved, nothing to show."""
    return HttpResponse(status=204)


def _action(request: HttpRequest) -> str:
    action = request.POST.get("action", "continue")
    return action if action in {"continue", "save", "autosave", "upload"} else "continue"


# -- start, drafts --------------------------------------------------------------------------------------------------


@routes.page("", name="start")
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    mode = _mode(request)
    own = drafts.drafts_of(user=request.user, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    context = {
        "mode": mode,
        "draft_count": own.count(),
        "noun": "referral" if mode and mode.as_referral else "notification",
    }
    return render(request, "cases/notify/start.html", context)


@routes.page("new/", name="new")
@sensitive_post_parameters()
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    mode = _mode(request)
    partnership = partnership_get(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    if mode is None or partnership is None:
        return redirect("notify:start")
    draft = drafts.draft_create(
        acting=acting_from_request(request), partnership=partnership, answers={}, current_step=notify_forms.FIRST_STEP
    )
    return redirect(_step_url(draft, notify_forms.FIRST_STEP))


DRAFTS_PAGE_SIZE = 25


def _when(moment: Any) -> str:
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{govuk_date(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


@routes.page("drafts/", name="drafts")
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    mode = _mode(request)
    own = drafts.drafts_listed(user=request.user, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    page, pagination = paginate(request, own, DRAFTS_PAGE_SIZE)
    rows = []
    for draft in page.object_list:
        step = STEPS_BY_SLUG.get(draft.current_step)
        rows.append(
            {
                "draft": draft,
                "started": _when(draft.started_at),
                "updated": _when(draft.updated_at),
                "next": "Check your answers"
                if draft.current_step == CHECK
                else (step.title if step else "Your details"),
            }
        )
    return render(request, "cases/notify/drafts.html", {"rows": rows, "mode": mode, "pagination": pagination})


@routes.page("drafts/<uuid:draft>/", name="resume")
@require_GET
@with_reporter
def resume(request: HttpRequest, reporter: Reporter) -> HttpResponse:
    assert reporter.draft is not None  # noqa: S101 - with_reporter always gives one
    slug = reporter.draft.current_step
    if slug != CHECK and not reporter.applies(slug):
        slug = CHECK  # a page the answers since made irrelevant: check your answers shows what is left
    return redirect(_step_url(reporter.draft, slug))


@routes.page("drafts/<uuid:draft>/delete/", name="delete")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@with_reporter
@even_when_unreadable
def delete(request: HttpRequest, reporter: Reporter) -> HttpResponse:
    assert reporter.draft is not None  # noqa: S101
    if request.method == "POST":
        drafts.draft_delete(acting=acting_from_request(request), draft=reporter.draft)
        messages.success(request, DRAFT_DELETED)
        return redirect("notify:drafts")
    return _page(request, "delete.html", reporter, {})


# -- check your answers, submit -------------------------------------------------------------------------------------


@routes.page("drafts/<uuid:draft>/check/", name="check")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@with_reporter
def check(request: HttpRequest, reporter: Reporter) -> HttpResponse:
    draft = reporter.draft
    assert draft is not None  # noqa: S101
    built = notify_forms.build_notification(reporter.answers, reporter.context, can_attach=reporter.can_attach)
    status = 200
    if request.method == "POST":
        if built.data is not None:
            try:
                case = drafts.draft_submit(
                    acting=acting_from_request(request),
                    draft=draft,
                    data=built.data,
                    as_referral=reporter.mode.as_referral,
                )
            except drafts.DraftAlreadySubmitted as already:
                # A second click or another tab: the first submission made the case; show it, make no other.
                if already.reference:
                    return redirect("notify:submitted", reference=already.reference)
                return redirect("notify:drafts")
            except NotificationRefused as error:
                return refuse(request, reason=f"notification refused: {error}")
            except NotificationInvalid as error:
                built.problems.extend(
                    notify_forms.Problem(notify_forms.step_for_error(key), message)
                    for key, messages_ in error.errors.items()
                    for message in messages_
                )
            except CaseActionRefused as error:
                # Linked to the page whose answer it is about (a refused document: the documents page).
                built.problems.append(
                    notify_forms.Problem(notify_forms.step_for_error(error.field or ""), error.message)
                )
            else:
                return redirect("notify:submitted", reference=case.reference)
        status = 400
    context = {
        "lower_first": notify_forms.lower_first,
        "multiline": notify_forms.multiline,
        "sections": _summary_sections(reporter, built),
        "problems": [_problem_link(reporter, problem) for problem in built.problems],
        "submitted": request.method == "POST",
        "documents": [drafts.DraftDocument.from_answer(item) for item in reporter.answers.get("documents", [])],
        "back": _step_url(draft, reporter.back_from(CHECK) or notify_forms.FIRST_STEP),
    }
    return _page(request, "check.html", reporter, context, status)


def _problem_link(reporter: Reporter, problem: notify_forms.Problem) -> dict[str, str]:
    assert reporter.draft is not None  # noqa: S101
    if problem.item and problem.step in ITEMS:
        href = _item_url(reporter.draft, problem.step, problem.item, change=True)
    elif problem.step == CHECK:
        href = "#main-content"
    else:
        href = _step_url(reporter.draft, problem.step, change=True)
    return {"text": problem.message, "href": href}


def _summary_sections(reporter: Reporter, built: notify_forms.Built) -> list[dict[str, Any]]:
    draft = reporter.draft
    assert draft is not None  # noqa: S101
    sections = []
    for section in built.sections:
        slug = section.step.slug
        change = _step_url(draft, slug, change=True)
        rows = [
            {
                "key": {"text": question},
                "value": {"html": notify_forms.multiline(answer)},
                "actions": {
                    "items": [
                        {"href": change, "text": "Change", "visuallyHiddenText": notify_forms.lower_first(question)}
                    ]
                },
            }
            for question, answer in section.rows
        ]
        entry: dict[str, Any] = {"title": section.step.title, "slug": slug, "rows": rows, "complete": section.complete}
        if section.step.kind in ITEMS:
            entry["entries"] = _item_entries(
                reporter, section.step.kind, notify_forms.list_items(reporter.answers, section.step.kind), change=True
            )
            entry["add"] = _item_url(draft, section.step.kind, change=True)
            entry["singular"] = ITEMS[section.step.kind]["singular"]
        elif section.step.form_for(reporter.context) is not None and not section.complete:
            entry["answer"] = change
        if section.step.kind == "documents":
            entry["change"] = change
        sections.append(entry)
    return sections


# -- question pages -------------------------------------------------------------------------------------------------


def _after_save(request: HttpRequest, reporter: Reporter, slug: str) -> HttpResponse:
    assert reporter.draft is not None  # noqa: S101
    target = CHECK if _changing(request) else reporter.next_after(slug)
    return redirect(_step_url(reporter.draft, target))


def _posted(
    request: HttpRequest, reporter: Reporter, form_class: type[PageForm]
) -> tuple[dict[str, list[str]], str, PageForm]:
    """What was typed into the page's questions (and nothing else), the button pressed, and the form bound to it."""
    raw = notify_forms.raw_answers(form_class(context=reporter.context), request.POST)
    return raw, _action(request), notify_forms.page_form(form_class, raw, reporter.context)


def _question_page(request: HttpRequest, reporter: Reporter, step: Step) -> HttpResponse:
    draft = reporter.draft
    assert draft is not None  # noqa: S101
    form_class = step.form_for(reporter.context)
    assert form_class is not None  # noqa: S101
    status = 200
    if request.method == "POST":
        raw, action, form = _posted(request, reporter, form_class)
        valid = form.is_valid()

        def keep(answers: dict[str, Any]) -> None:
            answers.setdefault("pages", {})[step.slug] = raw

        if valid and action == "continue":
            current = CHECK if _changing(request) else reporter.next_after(step.slug, page_answers=raw)
        else:
            current = step.slug
        saved = drafts.draft_update(draft=draft, change=keep, current_step=current)
        if action == "autosave":
            return _autosaved()
        if action == "save":
            return _save_later(request)
        if valid:
            reporter.refresh(saved)
            return _after_save(request, reporter, step.slug)
        status = 400
    else:
        form = notify_forms.page_form(
            form_class, reporter.answers.get("pages", {}).get(step.slug), reporter.context, show_errors=False
        )
    return _question(request, reporter, step, form, status)


def _back(request: HttpRequest, reporter: Reporter, slug: str) -> str:
    assert reporter.draft is not None  # noqa: S101
    if _changing(request):
        return _step_url(reporter.draft, CHECK)
    before = reporter.back_from(slug)
    return _step_url(reporter.draft, before) if before else reverse("notify:start")


def _question(request: HttpRequest, reporter: Reporter, step: Step, form: PageForm, status: int) -> HttpResponse:
    context = {
        "step": step,
        "form": form,
        "fields": field_components(form),
        "back": _back(request, reporter, step.slug),
    }
    return _page(
        request, f"{step.slug}.html" if step.slug in GUIDED_PAGES else "question.html", reporter, context, status
    )


GUIDED_PAGES = frozenset({"serious-harm", "abuse-or-neglect", "aware"})
"""Pages with guidance of their own beside the question."""


# -- "add another": children, household members ---------------------------------------------------------------------


def _list_page(request: HttpRequest, reporter: Reporter, step: Step) -> HttpResponse:
    draft = reporter.draft
    assert draft is not None  # noqa: S101
    spec = ITEMS[step.kind]
    items = notify_forms.list_items(reporter.answers, step.kind)
    change = _changing(request)
    if step.kind == "children" and not items and request.method == "GET":
        return redirect(_item_url(draft, step.kind, change=change))
    form = AddAnotherForm(
        request.POST if request.method == "POST" else None,
        label=str(spec["add_label"]),
        message=str(spec["add_message"]),
    )
    status = 200
    if request.method == "POST":
        action = _action(request)
        if action in {"save", "autosave"}:
            drafts.draft_update(draft=draft, change=lambda answers: None, current_step=step.slug)
            return _autosaved() if action == "autosave" else _save_later(request)
        if form.is_valid():
            if form.cleaned_data["add_another"] == "yes":
                return redirect(_item_url(draft, step.kind, change=change))
            if step.kind == "children" and not items:
                form.add_error("add_another", notify_forms.NO_CHILDREN)
            else:
                target = CHECK if change else reporter.next_after(step.slug)
                drafts.draft_update(draft=draft, change=lambda answers: None, current_step=target)
                return redirect(_step_url(draft, target))
        status = 400
    entries = _item_entries(reporter, step.kind, items, change=change)
    context = {
        "step": step,
        "form": form,
        "fields": field_components(form),
        "entries": entries,
        "spec": spec,
        "back": _back(request, reporter, step.slug),
    }
    return _page(request, "list.html", reporter, context, status)


def _item_entries(reporter: Reporter, kind: str, items: list[dict[str, Any]], *, change: bool) -> list[dict[str, Any]]:
    assert reporter.draft is not None  # noqa: S101
    form_class = ITEMS[kind]["form"]
    entries = []
    for position, item in enumerate(items):
        form = notify_forms.page_form(form_class, item.get("data"), reporter.context)  # type: ignore[arg-type]
        complete = form.is_valid()
        if complete and isinstance(form, ChildForm):
            label = notify_forms.child_label(form.child())
        elif complete and isinstance(form, HouseholdMemberForm):
            label = form.member().name
        else:
            label = notify_forms.item_label(kind, item.get("data"), position)
        entries.append(
            {
                "key": item["key"],
                "label": label,
                "complete": complete,
                "rows": form.summary() if complete else [],
                "change": _item_url(reporter.draft, kind, item["key"], change=change),
                "remove": _item_url(reporter.draft, kind, item["key"], remove=True, change=change),
            }
        )
    return entries


def _item_view(kind: str) -> Callable[..., HttpResponse]:
    @sensitive_post_parameters()
    @require_http_methods(["GET", "POST"])
    @with_reporter
    def item(request: HttpRequest, reporter: Reporter, key: str = "") -> HttpResponse:
        draft = reporter.draft
        assert draft is not None  # noqa: S101
        spec = ITEMS[kind]
        form_class: type[PageForm] = spec["form"]  # type: ignore[assignment]
        items = notify_forms.list_items(reporter.answers, kind)
        stored = next((entry for entry in items if entry["key"] == key), None)
        if key and stored is None:
            return refuse(request, reason="no such item in this draft", status=404)
        change = _changing(request)
        status = 200
        if request.method == "POST":
            raw, action, form = _posted(request, reporter, form_class)
            valid = form.is_valid()
            limit = notify_forms.MAX_CHILDREN if kind == "children" else notify_forms.MAX_HOUSEHOLD
            if not key and notify_forms.raw_is_empty(raw):
                if action == "autosave":
                    return _autosaved()
                if action == "save":
                    return _save_later(request)
            elif not key and len(items) >= limit:
                form.add_error(None, f"You cannot add more than {limit} to one report")
                valid = False
            else:
                # The add page names the new item's key in a hidden field, so a second post of the same page (a
                # reload of the error page, a double click, a background save racing the button) updates that one
                # item instead of adding another.
                key = key or _new_item_key(request.POST.get(ITEM_KEY)) or uuid.uuid4().hex

                def keep(answers: dict[str, Any]) -> None:
                    entries = answers.setdefault(kind, [])
                    for entry in entries:
                        if isinstance(entry, dict) and entry.get("key") == key:
                            entry["data"] = raw
                            return
                    entries.append({"key": key, "data": raw})

                drafts.draft_update(draft=draft, change=keep, current_step=kind)
                if action == "autosave":
                    saved = _autosaved()
                    # The page script sends its next save to the child or person it has just created.
                    saved["X-Draft-Item"] = _item_url(draft, kind, key, change=change)
                    return saved
                if action == "save":
                    return _save_later(request)
            if valid and action == "continue":
                return redirect(_step_url(draft, CHECK) if change else _step_url(draft, kind))
            status = 400
        else:
            form = notify_forms.page_form(
                form_class, stored.get("data") if stored else None, reporter.context, show_errors=False
            )
        context = {
            "step": STEPS_BY_SLUG[kind],
            "form": form,
            "fields": field_components(form),
            "title": spec["title_edit"] if key else spec["title_add"],
            "kind": kind,
            "action": _item_url(draft, kind, key, change=change) if key else "",
            "item_key": "" if key else uuid.uuid4().hex,
            "back": _step_url(draft, CHECK) if change else _step_url(draft, kind),
        }
        return _page(request, "item.html", reporter, context, status)

    item.__name__ = f"{kind}_item"
    return item


ITEM_KEY = "item_key"
_ITEM_KEY_SHAPE = re.compile(r"^[0-9a-f]{32}$")


def _new_item_key(posted: str | None) -> str:
    """The key the add page chose for the new item, if it is one we could have chosen."""
    return posted if posted and _ITEM_KEY_SHAPE.match(posted) else ""


child = _item_view("children")
member = _item_view("household")


def _item_remove_view(kind: str) -> Callable[..., HttpResponse]:
    @sensitive_post_parameters()
    @require_http_methods(["GET", "POST"])
    @with_reporter
    def remove(request: HttpRequest, reporter: Reporter, key: str) -> HttpResponse:
        draft = reporter.draft
        assert draft is not None  # noqa: S101
        items = notify_forms.list_items(reporter.answers, kind)
        position = next((index for index, entry in enumerate(items) if entry["key"] == key), None)
        if position is None:
            return refuse(request, reason="no such item in this draft", status=404)
        change = _changing(request)
        back = _step_url(draft, CHECK) if change else _step_url(draft, kind)
        if request.method == "POST":

            def drop(answers: dict[str, Any]) -> None:
                answers[kind] = [entry for entry in answers.get(kind, []) if entry.get("key") != key]

            drafts.draft_update(draft=draft, change=drop)
            return redirect(back)
        label = notify_forms.item_label(kind, items[position].get("data"), position)
        return _page(request, "item_remove.html", reporter, {"label": label, "back": back, "kind": kind})

    remove.__name__ = f"{kind}_remove"
    return remove


child_remove = _item_remove_view("children")
member_remove = _item_remove_view("household")

# Made by a function, so given their addresses here: one view adds and changes a child, one a household member.
routes.page("drafts/<uuid:draft>/children/add/", name="child-add")(child)
routes.page("drafts/<uuid:draft>/children/<slug:key>/", name="child")(child)
routes.page("drafts/<uuid:draft>/children/<slug:key>/remove/", name="child-remove")(child_remove)
routes.page("drafts/<uuid:draft>/household/add/", name="member-add")(member)
routes.page("drafts/<uuid:draft>/household/<slug:key>/", name="member")(member)
routes.page("drafts/<uuid:draft>/household/<slug:key>/remove/", name="member-remove")(member_remove)


# -- documents ------------------------------------------------------------------------------------------------------


def _documents_page(request: HttpRequest, reporter: Reporter, step: Step) -> HttpResponse:
    draft = reporter.draft
    assert draft is not None  # noqa: S101
    status = 200
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action = _action(request)
        if form.is_valid():
            upload, title = form.cleaned_data.get("file"), form.cleaned_data["title"]
            if upload is not None:
                try:
                    drafts.draft_document_add(
                        acting=acting_from_request(request), draft=draft, upload=upload, title=title
                    )
                except CaseActionRefused as error:  # the file (FileRejected), or the title the store refused
                    form.add_error("title" if error.field == "title" else "file", notify_forms.upload_error(error))
                else:
                    if action == "upload":
                        messages.success(request, "The document is uploaded")
                        return redirect(request.get_full_path())
            elif action == "upload":
                form.add_error("file", "Select a file to upload")
        if form.is_valid():
            target = CHECK if action == "continue" else step.slug
            drafts.draft_update(draft=draft, change=lambda answers: None, current_step=target)
            if action == "autosave":
                return _autosaved()
            if action == "save":
                return _save_later(request)
            return redirect(_step_url(draft, CHECK))
        status = 400
        fresh = drafts.draft_get(user=request.user, partnership_id=draft.partnership_id, draft_uuid=draft.uuid)
        if fresh is not None:
            reporter.refresh(fresh)
    documents = [drafts.DraftDocument.from_answer(item) for item in reporter.answers.get("documents", [])]
    context = {
        "step": step,
        "form": form,
        "fields": field_components(form),
        "documents": documents,
        "max_documents": drafts.MAX_DRAFT_DOCUMENTS,
        "back": _back(request, reporter, step.slug),
    }
    return _page(request, "documents.html", reporter, context, status)


@routes.page("drafts/<uuid:draft>/documents/<slug:key>/remove/", name="document-remove")
@sensitive_post_parameters()
@require_POST
@with_reporter
def document_remove(request: HttpRequest, reporter: Reporter, key: str) -> HttpResponse:
    assert reporter.draft is not None  # noqa: S101
    if not drafts.draft_document_remove(acting=acting_from_request(request), draft=reporter.draft, key=key):
        return refuse(request, reason="no such document in this draft", status=404)
    messages.success(request, "The document is removed")
    return redirect(_step_url(reporter.draft, "documents", change=_changing(request)))


# -- every step's page ----------------------------------------------------------------------------------------------
# One address for the question, "add another" and documents pages, after the draft's other pages: it would match
# their addresses too (check/, delete/).


@routes.page("drafts/<uuid:draft>/<slug:step>/", name="page")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@with_reporter
def page(request: HttpRequest, reporter: Reporter, step: str) -> HttpResponse:
    found = STEPS_BY_SLUG.get(step)
    if found is None or not found.applies(reporter.context, reporter.can_attach):
        return refuse(request, reason="no such page in this report", status=404)
    if found.kind in ITEMS:
        return _list_page(request, reporter, found)
    if found.kind == "documents":
        return _documents_page(request, reporter, found)
    return _question_page(request, reporter, found)


# -- confirmation ---------------------------------------------------------------------------------------------------


@routes.page("submitted/<str:reference>/", name="submitted")
@require_GET
def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation: the reference, who is told and the clocks. Only for the person who submitted the case."""
    case = case_get(scope=request.scope, partnership_id=request.partnership_id, reference=reference)  # type: ignore[attr-defined]
    if case is None or case.created_by_id != request.user.pk:
        return redirect("notify:start")
    clocks = [clock for clock in case_clocks(case=case, today=timezone.localdate()) if clock.applicable]
    context = {
        "case": case,
        "clocks": clocks,
        "noun": "referral" if case.as_referral else "notification",
        "assessment": case.assessment or {},
        "duties": assessed_duties(case.assessment or {}),
    }
    return render(request, "cases/notify/submitted.html", context)
