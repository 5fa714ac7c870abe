"""One shape for a page whose form asks a service to act.

GET shows the form. A valid POST calls the service; a refusal (an exception of ``refusals``) becomes the form's
error on the page's ``field`` when it names one, else on the field the refusal names (``error.field``), else on
the whole form; success redirects with a message. A POST that fails, by the form's checks or the service's, shows
the form again with status 400.

A page's service usually takes the form's fields under their own names: :func:`calls` makes that ``act``. A kind of
page (a case's, a local review's, a contributor's request's) is a :class:`FormPages`: where its templates are, where
it goes on success, what it always shows and when it is closed, said once. Its hand-written pages call
:meth:`FormPages.form`; a page that is nothing but its form is declared with :meth:`FormPages.page`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import Acting, acting_from_request
from cspr.kernel.edits import OPENED_VERSION, StaleEdit, opened_version, saved_beside_typed
from cspr.kernel.errors import CaseActionRefused

Refusals = type[Exception] | tuple[type[Exception], ...]
Act = Callable[[Acting, dict[str, Any]], Any]
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
# The decorator that finds the object a page is about from its URL and calls the view as ``view(request, obj, ...)``
# (a case: ``cspr.cases.pages.case_page(rule)``), answering for itself when it cannot.
Finder = Callable[[Callable[..., Any]], Callable[..., Any]]
# A page that is nothing but its form: its form, and what the service is asked on a valid POST.
FormAct = tuple[BaseForm, Act]
type Asks[T] = Callable[[HttpRequest, T], FormAct]


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


def saved_unless_stale(request: HttpRequest, form: BaseForm, save: Act) -> tuple[bool, StaleEdit | None]:
    """On a valid POST, run ``save`` (an ``act``: a service that refuses an edit made from an older version, ADR 0013)
    with the acting value and the form's cleaned data, with :func:`posted_version` as ``opened_version``. Whether it
    saved, and the stale refusal, shown on the form so the page can show what is saved now beside what was typed. Any
    other refusal goes on the form too. A GET, or a POST the form refuses, saves nothing."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        save(acting_from_request(request), {**form.cleaned_data, OPENED_VERSION: posted_version(request)})
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


def edit_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Act,
    done: str,
    then: str,
    template: str,
    context: Context,
    version: Callable[[], int],
    labels: dict[str, str],
    saved: Mapping[str, Any],
) -> HttpResponse:
    """A page that changes a record from the version it was opened at (ADR 0013): on a valid POST ``save`` (see
    :func:`saved_unless_stale`), then the message ``done`` and ``then``. Otherwise the form, with ``context`` and what
    :func:`stale_edit_context` shows of the ``version`` saved now, the texts named by ``labels`` and their ``saved``
    values: 400 for a POST refused, 409 for one made from an older version."""
    stored, stale = saved_unless_stale(request, form, save)
    if stored:
        messages.success(request, done)
        return redirect(then)
    shown = context() if callable(context) else context
    versions = stale_edit_context(request, stale, version=version(), labels=labels, saved=saved)
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render(request, template, {**shown, "form": form, **versions}, status=status)


@cache
def _keywords(service: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword arguments ``service`` takes by name (``None`` when it takes any, through ``**``)."""
    parameters = inspect.signature(service).parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return None
    return frozenset(parameter.name for parameter in parameters)


def calls(service: Callable[..., Any], *fields: str, **given: Any) -> Act:
    """The ``act`` of a form whose fields are named as ``service``'s keyword arguments: it calls ``service`` with the
    acting value, ``given``, and the cleaned value of each of ``fields`` the form has. A field the form left out (not
    asked of this person, or of this case) is not passed, so the service's default stands.

    The names are strings a type checker cannot follow, so they are checked here, when the page is built: a name the
    service does not take fails at once (every page is requested by the tests), not only when a form is posted."""
    taken = _keywords(service)
    unknown = sorted({"acting", *fields, *given} - taken) if taken is not None else []
    if unknown:
        raise TypeError(f"{service.__qualname__}() takes no keyword {', '.join(unknown)}")

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


def _open(obj: Any) -> str | None:
    return None


@dataclass(frozen=True)
class FormPages[T]:
    """A kind of form page, each about one object ``T`` its URL names (a case, an information request).

    Its templates are under ``templates`` (a folder, with its ``/``); a page goes to ``home(obj)`` once the service
    has acted, unless it says where; every page shows ``shows(request, obj)`` besides its form. While ``missing(obj)``
    gives a reason, a page is a 404 refused for it; while ``closed(obj)`` gives a message, a page sends the person
    with it where it would have gone, instead of showing the form. Its pages are in ``routes`` and find their object
    with ``find`` (both needed only by :meth:`view` and :meth:`page`); their posted values are kept out of error
    reports unless ``sensitive`` is false (forms of dates, numbers and choices only). A page may say otherwise.
    """

    templates: str
    home: Callable[[T], str]
    shows: Callable[[HttpRequest, T], Mapping[str, Any]]
    missing: Callable[[T], str | None] = _open
    closed: Callable[[T], str | None] = _open
    routes: Routes | None = None
    find: Finder | None = None
    sensitive: bool = True

    def stopped(self, request: HttpRequest, obj: T, *, then: str | None = None) -> HttpResponse | None:
        """What a page answers instead of its form, if anything: the 404 while ``missing``, else, while ``closed``,
        the way to ``then`` (by default ``home``) with the message."""
        reason = self.missing(obj)
        if reason:
            return refuse(request, reason=reason, status=404)
        message = self.closed(obj)
        if message:
            messages.info(request, message)
            return redirect(then or self.home(obj))
        return None

    def form[R: HttpResponseBase](
        self,
        request: HttpRequest,
        obj: T,
        form: BaseForm,
        template: str,
        *,
        act: Act,
        done: str | Callable[[Any], str],
        then: str | Callable[[Any], R] | None = None,
        context: Context | None = None,
    ) -> HttpResponse | R:
        """A page of ``obj`` whose form asks a service to act (:func:`form_page`), unless it is :meth:`stopped`:
        ``template`` is in the kind's folder, ``then`` is by default ``home``, and the page shows what the kind always
        shows and ``context``."""
        stopped = self.stopped(request, obj, then=then if isinstance(then, str) else None)
        if stopped is not None:
            return stopped
        return form_page(
            request,
            form,
            act=act,
            done=done,
            then=self.home(obj) if then is None else then,
            template=self.templates + template,
            context=context_with(self.shows(request, obj), context),
        )

    def view[V: Callable[..., Any]](
        self, route: str, *, name: str, find: Finder | None = None, sensitive: bool | None = None
    ) -> Callable[[V], V]:
        """What makes a view one of the kind's form pages: its address in the kind's ``routes``, GET and POST only,
        its posted values kept out of error reports (``sensitive_post_parameters``) unless ``sensitive`` is false, and
        its object found by ``find`` (both by default the kind's)."""
        finder = find or self.find
        if self.routes is None or finder is None:
            raise ImproperlyConfigured(f"The form page {name!r} needs its kind's routes and a way to find its object.")
        declared = self.routes.page(route, name=name)

        def decorate(view: V) -> V:
            page = require_http_methods(["GET", "POST"])(finder(view))
            hidden = self.sensitive if sensitive is None else sensitive
            return cast(V, declared(sensitive_post_parameters()(page) if hidden else page))

        return decorate

    def page(self, route: str, *, name: str, done: str) -> Callable[[Asks[T]], Callable[..., HttpResponse]]:
        """Declare a page that is nothing but its form, as the kind's others are (:meth:`view`, :meth:`form`). The
        function it decorates gives, for the request and the page's object, the form and what the service is asked on
        a valid POST (its ``act``). ``done`` is the message on success, and the page goes ``home`` then. Its template
        is named as the page is (``item-add``: ``item_add.html``)."""
        template = f"{name.replace('-', '_')}.html"

        def decorate(asks: Asks[T]) -> Callable[..., HttpResponse]:
            @wraps(asks)
            def view(request: HttpRequest, obj: T) -> HttpResponse:
                form, act = asks(request, obj)
                return self.form(request, obj, form, template, act=act, done=done)

            return self.view(route, name=name)(view)

        return decorate
