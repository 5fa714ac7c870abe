"""JSON API v1 (django-ninja): notifications in, cases and clocks out, for one token's membership.

Authentication and the role check happen before any of this runs (``cspr.api.access`` through the access
policy middleware); :class:`TokenAuth` re-checks that the middleware did so, so an API pattern given the wrong
policy still refuses. Reads go through ``cspr.cases.selectors`` with the token's one-membership scope; writes
through ``cspr.cases.services.notification_submit``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any
from urllib.parse import urlencode

import rules
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Header, NinjaAPI, Path, Query, Status
from ninja.errors import ValidationError
from ninja.security import HttpBearer

from cspr.api import presenters
from cspr.api.access import ApiAccess, api_refuse
from cspr.api.schemas import (
    CaseClocksOut,
    CaseDetailOut,
    CaseInformationRequestsOut,
    CaseListOut,
    CaseListQuery,
    CaseLocalReviewOut,
    CaseParallelProcessesOut,
    ErrorOut,
    IndexOut,
    NotificationCreatedOut,
    NotificationIn,
    RapidReviewOut,
    ValidationErrorOut,
)
from cspr.api.services import IDEMPOTENCY_KEY_SHAPE, Answer, Once, api_request_once
from cspr.audit.services import client_ip
from cspr.calendars.selectors import partnership_preset
from cspr.cases.models import Case
from cspr.cases.notification import validate_notification
from cspr.cases.selectors import case_clocks, case_family_to_tell, case_family_told_rows, case_get, cases_search
from cspr.cases.selectors_processes import case_process_facts
from cspr.cases.services import NotificationInvalid, NotificationRefused, notification_submit
from cspr.kernel.errors import CaseActionRefused
from cspr.local_reviews.selectors import local_review_facts
from cspr.partnerships.scoping import acting_for
from cspr.rapid_reviews.presenters import api_view as rapid_review_api_view
from cspr.rapid_reviews.selectors import review_state
from cspr.returns.selectors import case_requests
from cspr.reviewers.selectors import reviewer_name_for_case

NO_ORGANISATION = (
    "This token's membership has no organisation: notifications come from a local authority notifier, "
    "referrals from a member of an agency."
)
CASE_NOT_FOUND = "No case with this reference is visible to this token."
REFERENCE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}-[0-9]{4}-[0-9]{3,7}$"

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}


class TokenAuth(HttpBearer):
    """The token was checked by the access policy middleware; here we only insist that it was."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiAccess | None:
        return getattr(request, "api_access", None)


api = NinjaAPI(
    title="Practice review service API",
    version="1",
    description=(
        "Serious incident notifications in, cases and their statutory clocks out. Every request carries "
        "`Authorization: Bearer <token>`; a token acts with one membership's role, organisation and partnership. "
        "Identifying details of children and families are accepted but never returned."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # Swagger UI would load scripts from a CDN, which the service's CSP (rightly) forbids.
    auth=TokenAuth(),
)


def _access(request: HttpRequest) -> ApiAccess:
    access = request.auth  # type: ignore[attr-defined]
    assert isinstance(access, ApiAccess)  # noqa: S101 - TokenAuth guarantees it
    return access


def _location(reference: str) -> str:
    return reverse("api:case-detail", kwargs={"reference": reference})


def web_case_path(reference: str) -> str:
    try:
        return reverse("cases:detail", kwargs={"reference": reference})
    except NoReverseMatch:  # the case pages not mounted (yet)
        return f"/cases/{reference}/"


def _field_errors(errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """``validate_notification``'s ``children.0.nhs_number`` keys as ``["body", "children", 0, "nhs_number"]``."""
    result = []
    for key, messages in errors.items():
        loc: list[str | int] = ["body"]
        if key:
            loc += [int(part) if part.isdigit() else part for part in key.split(".")]
        result += [{"loc": loc, "msg": message, "type": "value_error"} for message in messages]
    return result


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Field errors as ``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`` (without the body's param name)."""
    detail = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 1 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        detail.append({"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", "value_error"))})
    return api.create_response(request, {"detail": detail}, status=422)


@api.get(
    "/",
    response={200: IndexOut, **ERRORS},
    url_name="index",
    operation_id="getIndex",
    summary="Which membership this token acts for, and where the endpoints are",
)
def index(request: HttpRequest) -> Any:
    access = _access(request)
    organisation = access.membership.organisation
    return Status(
        200,
        {
            "version": api.version,
            "token": {
                "prefix": access.token.prefix,
                "name": access.token.name,
                "role": access.role.value,
                "partnership": access.partnership.code,
                "organisation": organisation.name if organisation else None,
            },
            "links": {
                "openapi": reverse("api:openapi-json"),
                "notifications": reverse("api:notification-create"),
                "cases": reverse("api:case-list"),
            },
        },
    )


IDEMPOTENCY_KEY_HEADER: Any = Header(
    None,
    alias="Idempotency-Key",
    description=(
        "Optional. 1 to 255 visible ASCII characters, new for each notification (a UUID). Sent again with the "
        "same body within 24 hours, the first answer is given again and no second case is made; the same key "
        "with another body is refused with 422."
    ),
)


@api.post(
    "/notifications",
    response={201: NotificationCreatedOut, 400: ErrorOut, **ERRORS},
    url_name="notification-create",
    operation_id="createNotification",
    summary="Notify a serious incident (or refer one)",
    description=(
        "From a local authority notifier's token this is the local authority's serious incident notification; "
        "from any other token whose membership has an organisation it is a referral (§3.8). The same validation "
        "as the web form applies. Answers 201 with the case reference and its location."
    ),
)
def notification_create(
    request: HttpRequest,
    response: HttpResponse,
    payload: NotificationIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY_HEADER,
) -> Any:
    access = _access(request)
    if access.membership.organisation_id is None:
        return api_refuse(request, reason="no organisation", status=403, message=NO_ORGANISATION, access=access)
    if idempotency_key is None:
        answer = _notify(request, access, payload)
    elif not IDEMPOTENCY_KEY_SHAPE.match(idempotency_key):
        return Status(422, {"detail": _header_error(IDEMPOTENCY_KEY_INVALID)})
    else:
        outcome, kept = api_request_once(
            acting=access.acting,
            token=access.token,
            key=idempotency_key,
            body=request.body,
            perform=lambda: _notify(request, access, payload),
        )
        if outcome is Once.KEY_REUSED or kept is None:
            return Status(422, {"detail": _header_error(IDEMPOTENCY_KEY_REUSED)})
        answer = kept
    if isinstance(answer, HttpResponse):
        return answer
    if answer.status == 201:
        response["Location"] = answer.body["location"]
    return Status(answer.status, answer.body)


IDEMPOTENCY_KEY_INVALID = "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID"
IDEMPOTENCY_KEY_REUSED = (
    "This Idempotency-Key was used in the last 24 hours for a different notification: use a new key for a new one"
)


def _header_error(message: str) -> list[dict[str, Any]]:
    return [{"loc": ["header", "Idempotency-Key"], "msg": message, "type": "value_error"}]


def _notify(request: HttpRequest, access: ApiAccess, payload: NotificationIn) -> Answer | HttpResponse:
    """Validate and submit the notification: the answer to give (or the refusal, already audited)."""
    today = timezone.localdate()
    data = payload.to_data()
    if data.la_aware_on is None and not access.is_la_notifier:
        data = replace(data, la_aware_on=today)  # told by this referral, on the day it is sent (as the form does)
    errors = validate_notification(data, today=today)
    if errors:
        return Answer(422, {"detail": _field_errors(errors)})
    try:
        case = notification_submit(
            acting=acting_for(
                access.user,
                partnership_id=access.partnership.pk,
                client_ip=client_ip(request),
                via="api",
                scope=access.scope,
            ),
            partnership=access.partnership,
            data=data,
            as_referral=not access.is_la_notifier,
        )
    except NotificationRefused as refusal:
        return api_refuse(request, reason="notification refused", status=403, message=str(refusal), access=access)
    except NotificationInvalid as invalid:
        return Answer(422, {"detail": _field_errors(invalid.errors)})
    except CaseActionRefused as refused:
        return Answer(422, {"detail": _field_errors({refused.field: [refused.message]})})
    return Answer(
        201,
        {
            "reference": case.reference,
            "location": _location(case.reference),
            "kind": "referral" if case.as_referral else "notification",
            "stage": case.stage,
            "stage_label": case.stage_label,
        },
    )


@api.get(
    "/cases",
    response={200: CaseListOut, **ERRORS},
    url_name="case-list",
    operation_id="listCases",
    summary="The cases this token can see, newest first",
)
def case_list(request: HttpRequest, filters: Query[CaseListQuery]) -> Any:
    access = _access(request)
    page, page_size, stage, year = filters.page, filters.page_size, filters.stage, filters.year
    cases = cases_search(
        scope=access.scope,
        partnership_id=access.partnership.pk,
        stage=stage.value if stage else "",
        year=year,
    )
    count = cases.count()
    start = (page - 1) * page_size
    pages = max(1, math.ceil(count / page_size))

    def page_link(number: int) -> str:
        query = {"page": number, "page_size": page_size, "stage": stage.value if stage else None, "year": year}
        return f"{request.path}?{urlencode({key: value for key, value in query.items() if value is not None})}"

    return Status(
        200,
        {
            "count": count,
            "page": page,
            "page_size": page_size,
            "pages": pages,
            "next": page_link(page + 1) if page < pages else None,
            "previous": page_link(page - 1) if 1 < page <= pages else None,
            "results": [presenters.case_summary(case, **_paths(case)) for case in cases[start : start + page_size]],
        },
    )


class CaseNotVisible(Exception):
    """No case with this reference that the token can see (or none at all): the same 404 either way."""


@api.exception_handler(CaseNotVisible)
def case_not_visible(request: HttpRequest, exc: CaseNotVisible) -> HttpResponse:
    return api_refuse(request, reason="case not visible", status=404, message=CASE_NOT_FOUND, access=_access(request))


def _visible_case(request: HttpRequest, reference: str, *, rule: str = "") -> Case:
    """The token's case by reference, or "not found"; with ``rule``, also only if that object-level rule
    holds for the token's membership (the same rule the pages use)."""
    access = _access(request)
    case = case_get(scope=access.scope, partnership_id=access.partnership.pk, reference=reference)
    if case is None or (rule and not rules.test_rule(rule, access.scope, case)):
        raise CaseNotVisible
    return case


def _paths(case: Case) -> dict[str, str]:
    return {"location": _location(case.reference), "web": web_case_path(case.reference)}


Reference = Path(..., pattern=REFERENCE_PATTERN, max_length=40, description="A case reference, e.g. NVALE-2026-004.")


CaseRead = Callable[[Case], Any]


def _case_answer(case: Case, **answer: Any) -> Status:
    """A case read's answer: the case's reference, then ``answer``."""
    return Status(200, {"reference": case.reference, **answer})


def _case_read(path: str, out: Any, *, rule: str = "", **options: Any) -> Callable[[CaseRead], Callable[..., Any]]:
    """A read of one case the token can see, at ``/cases/{reference}`` and ``path``: the read is given the case (see
    :func:`_visible_case`, with ``rule``) and answers ``out``; a case the token cannot see is a 404."""

    def decorate(read: CaseRead) -> Callable[..., Any]:
        def endpoint(request: HttpRequest, reference: str = Reference) -> Any:
            return read(_visible_case(request, reference, rule=rule))

        endpoint.__name__ = endpoint.__qualname__ = read.__name__
        return api.get(f"/cases/{{reference}}{path}", response={200: out, 404: ErrorOut, **ERRORS}, **options)(endpoint)

    return decorate


@_case_read(
    "",
    CaseDetailOut,
    url_name="case-detail",
    operation_id="getCase",
    summary="One case, without identifying details",
)
def case_detail(case: Case) -> Any:
    family = presenters.family(told=case_family_told_rows(case=case), to_tell=case_family_to_tell(case=case))
    return Status(200, {**presenters.case_detail(case, **_paths(case)), "family": family})


@_case_read(
    "/clocks",
    CaseClocksOut,
    url_name="case-clocks",
    operation_id="getCaseClocks",
    summary="The case's statutory, procedure and local clocks",
    description="Every clock of the case's procedure preset, by its clock id; those not started yet have no dates.",
)
def case_clocks_view(case: Case) -> Any:
    today = timezone.localdate()
    preset = partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)
    rows = case_clocks(case=case, today=today)
    return _case_answer(case, today=today, preset=case.preset, clocks=presenters.clocks(preset=preset, rows=rows))


@_case_read(
    "/parallel-processes",
    CaseParallelProcessesOut,
    rule="cases.view_parallel_processes",
    url_name="case-parallel-processes",
    operation_id="getCaseParallelProcesses",
    summary="The case's register of parallel processes: kind, status and key dates",
    description="No free text: contacts, the terms of reporting restrictions or court orders and notes are left out.",
)
def case_parallel_processes_view(case: Case) -> Any:
    return _case_answer(case, parallel_processes=[asdict(row) for row in case_process_facts(case=case)])


@_case_read(
    "/information-requests",
    CaseInformationRequestsOut,
    rule="returns.read_returns",
    url_name="case-information-requests",
    operation_id="getCaseInformationRequests",
    summary="The organisations asked for information on the case, and where each return stands",
    description="Per organisation: status, due date, first submission date and reminders sent. No return content.",
)
def case_information_requests_view(case: Case) -> Any:
    return _case_answer(
        case,
        information_requests=[
            {
                "organisation": item.organisation.name,
                "status": item.status,
                "status_label": item.get_status_display(),
                "due_on": item.due_on,
                "submitted_on": timezone.localdate(item.first_submitted_at) if item.first_submitted_at else None,
                "reminders_sent": item.reminders_sent,  # type: ignore[attr-defined]
            }
            for item in case_requests(case=case)
        ],
    )


@_case_read(
    "/rapid-review",
    RapidReviewOut,
    rule="rapid_reviews.view",
    url_name="case-rapid-review",
    operation_id="getCaseRapidReview",
    summary="The case's rapid review: judgements, decisions, ratification and dates, without identifying details",
    description=(
        "Pseudonyms only. The record's free text (facts, grounds, reasons) may name people and is never included; "
        "a case with no rapid review yet answers with an empty record."
    ),
)
def case_rapid_review_view(case: Case) -> Any:
    return Status(200, rapid_review_api_view(review_state(case=case)))


# The local review's facts under the API's names, where they differ.
LOCAL_REVIEW_NAMES = {"terms_version": "terms_of_reference_version", "terms_agreed_on": "terms_of_reference_agreed_on"}


@_case_read(
    "/local-review",
    CaseLocalReviewOut,
    rule="local_reviews.view",
    url_name="case-local-review",
    operation_id="getCaseLocalReview",
    summary="The case's local review: milestones and their status, joint working, terms of reference, processes",
    description=(
        "No free text: the terms of reference's words, the other partnership's contact, checkpoints' notes and every "
        "reason are left out. A case whose local review has not started answers with started false."
    ),
)
def case_local_review_view(case: Case) -> Any:
    facts = asdict(local_review_facts(case=case, today=timezone.localdate()))
    return _case_answer(
        case,
        **{LOCAL_REVIEW_NAMES.get(name, name): value for name, value in facts.items()},
        reviewer=reviewer_name_for_case(case=case),
        parallel_processes=[asdict(row) for row in case_process_facts(case=case)],
    )
