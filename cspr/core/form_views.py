"""One shape for a page whose form asks a service to act.

GET shows the form. A valid POST calls the service; a refusal (an exception of ``refusals``) becomes the form's
error on the page's ``field`` when it names one, else on the field the refusal names (``error.field``), else on
the whole form; success redirects with a message. A POST that fails, by the form's checks or the service's, shows
the form again with status 400.

A page's service usually takes the form's fields under their own names: :func:`calls` makes that ``act``. A kind of
page (a case's, a rapid review's, a return's) wraps :func:`form_page` with where it goes on success and what its
context always holds, merging the page's own context with :func:`context_with`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from cspr.kernel.acting import Acting, acting_from_request
from cspr.kernel.edits import OPENED_VERSION, StaleEdit, opened_version, saved_beside_typed
from cspr.kernel.errors import CaseActionRefused

Refusals = type[Exception] | tuple[type[Exception], ...]
Act = Callable[[Acting, dict[str, Any]], Any]
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, which ``request.POST or None`` would leave unbound)."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> Any:
    """The files sent with a POST, for a form with a file field (``None`` on a GET, leaving the form unbound)."""
    return request.FILES if request.method == "POST" else None


def refusal_to_form(form: BaseForm, error: Exception, *, field: str | None = None) -> None:
    """Show a service's refusal on the form: on ``field`` if given, else on the field the refusal names, else on
    the whole form."""
    name = field or getattr(error, "field", "")
    form.add_error(name if name in form.fields else None, getattr(error, "message", str(error)))


def posted_version(request: HttpRequest) -> int | None:
    """The version of the record the posted form was opened at (its ``opened_version`` field; ADR 0013)."""
    return opened_version(request.POST.get(OPENED_VERSION))


def saved_unless_stale(
    request: HttpRequest, form: BaseForm, save: Callable[[Acting, int | None], Any]
) -> tuple[bool, StaleEdit | None]:
    """On a valid POST, run ``save`` with the acting value and :func:`posted_version`: a service that refuses an edit
    made from an older version (ADR 0013). Whether it saved, and the stale refusal, shown on the form so the page can
    show what is saved now beside what was typed. Any other refusal goes on the form too. A GET, or a POST the form
    refuses, saves nothing."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        save(acting_from_request(request), posted_version(request))
    except StaleEdit as refused:
        form.add_error(None, refused.message)
        return False, refused
    except CaseActionRefused as error:
        refusal_to_form(form, error)
        return False, None
    return True, None


def stale_edit_context(
    request: HttpRequest,
    stale: StaleEdit | None,
    *,
    version: int,
    labels: dict[str, str],
    saved: Mapping[str, Any],
) -> dict[str, Any]:
    """What an edit page shows about versions: the ``version`` its form posts back (after a stale refusal, the one
    saved now, so the merged text can be saved), the refusal, and each text (named by ``labels``) whose ``saved``
    value differs from what was typed."""
    typed = {name: str(request.POST.get(name, "")) for name in labels}
    return {
        "opened_version": version,
        "stale": stale,
        "saved_beside": saved_beside_typed(
            labels=labels, saved={name: str(saved.get(name) or "") for name in labels}, typed=typed
        )
        if stale
        else [],
    }


def calls(service: Callable[..., Any], *fields: str, **given: Any) -> Act:
    """The ``act`` of a form whose fields are named as ``service``'s keyword arguments: it calls ``service`` with the
    acting value, ``given``, and the cleaned value of each of ``fields`` the form has. A field the form left out (not
    asked of this person, or of this case) is not passed, so the service's default stands."""

    def act(acting: Acting, data: dict[str, Any]) -> Any:
        return service(acting=acting, **given, **{name: data[name] for name in fields if name in data})

    return act


def context_with(always: Mapping[str, Any], context: Context | None) -> Callable[[], Mapping[str, Any]]:
    """What a kind of page ``always`` shows, with the page's own ``context`` (a mapping, or a function read only
    when the page is shown), as a context for :func:`form_page`."""
    return lambda: {**always, **((context() if callable(context) else context) or {})}


def form_page[R: HttpResponseBase](
    request: HttpRequest,
    form: BaseForm,
    *,
    act: Act,
    done: str | Callable[[Any], str],
    then: str | Callable[[Any], R],
    template: str,
    context: Context,
    refusals: Refusals = CaseActionRefused,
    field: str | None = None,
) -> HttpResponse | R:
    """The form page: ``act(acting, cleaned_data)`` on a valid POST, then the message ``done`` and ``then``.

    ``done`` is the success message, or a function of what ``act`` answered ("" for none). ``then`` is the URL to
    go to, or a function of what ``act`` answered giving the response. ``context`` (without the form, which is
    added) may be a function, read only when the page is shown.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = act(acting_from_request(request), form.cleaned_data)
        except refusals as error:
            refusal_to_form(form, error, field=field)
        else:
            message = done(result) if callable(done) else done
            if message:
                messages.success(request, message)
            return redirect(then) if isinstance(then, str) else then(result)
    shown = context() if callable(context) else context
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**shown, "form": form}, status=status)
