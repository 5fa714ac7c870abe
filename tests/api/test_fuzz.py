"""Schemathesis drives every operation of the OpenAPI document through Django's WSGI application: no 5xx, ever.

No network and no server: schemathesis calls the WSGI app in this process, against the test database (SQLite, or
PostgreSQL when DATABASE_URL names it). Each example picks a token at random (a notifier, the business unit, an
agency contributor, a reviewer, another partnership's token, a revoked token, garbage or none) and sends data that
fits the schema (positive) or deliberately does not (negative: wrong types, missing fields, huge numbers, NUL
characters, unknown fields...). The number of examples is bounded so the run takes well under a minute.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Ok

from cspr.api.services import api_token_issue, api_token_revoke
from cspr.cases import notification as rules
from cspr.kernel.acting import system_acting
from cspr.partnerships.models import Membership
from tests.api.conftest import VALID_PAYLOAD, TokenFunc

EXAMPLES_PER_OPERATION_AND_MODE = 40
VALID_NOTIFICATION_EXAMPLES = 60
# Mostly tokens that get past authentication, so the generated data reaches validation and the database.
WHO = [
    *["notifier", "business_unit", "agency_contributor", "southmoor"] * 3,
    *["reviewer", "revoked", "garbage", "none"],
]


def bounded(examples: int) -> Any:
    """A fixed number of examples, the same ones every run (derandomised: a failure reproduces), no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )


class InProcessWsgiApp:
    """Django's WSGI application as the test client runs it: the test's database connection stays open.

    A real WSGI server closes stale connections at the end of each request; inside a test's transaction that
    would spoil the transaction, so (like ``django.test.Client``) the signal is unhooked around each request.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def app() -> InProcessWsgiApp:
    return InProcessWsgiApp()


@pytest.fixture
def tokens(token_for: TokenFunc, notified_case: str, southmoor_case: str) -> dict[str, str | None]:
    """Tokens of several kinds, with one case in each partnership for the reads to find."""
    revoked = api_token_issue(
        acting=system_acting(),
        membership=Membership.objects.get(user__email="auditor@example.org", partnership__code="NVALE"),
        name="old",
    )
    api_token_revoke(acting=system_acting(), token=revoked.token)
    return {
        "notifier": token_for("notifier@example.org"),
        "business_unit": token_for("business.unit@example.org"),
        "agency_contributor": token_for("contributor.health@example.org"),
        "reviewer": token_for("reviewer@example.org"),
        "southmoor": token_for("southmoor.business.unit@example.org", "southmoor"),
        "revoked": revoked.secret,
        "garbage": "cspr_" + "x" * 43,
        "none": None,
    }


# The rules of a notification that an OpenAPI schema cannot express (they depend on other fields, on today, on the
# working-day calendar or on the token), each stated in the field's description or the operation's.
STATED_IN_WORDS = {
    rules.AWARE_BEFORE_INCIDENT,
    rules.BORN_AFTER_INCIDENT,
    rules.WHAT_IS_KNOWN_NEEDED,
    rules.SERIOUS_HARM_NEEDED,
    rules.OUTLINE_NEEDED,
    rules.CARE_LEAVER_AGE_NEEDED,
    rules.UNBORN_WITH_DATE_OF_BIRTH,
    rules.NAME_OR_NOT_IDENTIFIED,
    rules.AGE_AND_DATE_OF_BIRTH,
    rules.PLACEMENT_NEEDED,
    rules.NHS_NUMBER_INVALID,  # the check digit
    rules.PHONE_INVALID,  # at least 6 digits: the pattern states the characters, the description the count
    "Enter the date the local authority became aware",  # required of a local authority's notifier only
}
STATED_SHAPES = (
    re.compile(r".* must be today or in the past$"),
    re.compile(r".* must be between .* and (today|.*[0-9]{4})$"),
    re.compile(r".* must not contain .*"),  # the text policy: NUL and other refused characters
)


def stated_in_words(error: dict[str, Any]) -> bool:
    message = str(error.get("msg", ""))
    return message in STATED_IN_WORDS or any(shape.match(message) for shape in STATED_SHAPES)


def mutated_only(case: Any, parameter: str) -> bool:
    """Whether a negative example broke nothing but ``parameter`` (so replacing it makes the request valid)."""
    data = case.meta.phase.data
    names = {data.parameter} if getattr(data, "parameter", None) else set()
    names |= {mutation.parameter for mutation in getattr(data, "mutations", None) or () if mutation.parameter}
    return names == {parameter}


def fuzz(
    operation: Any, mode: GenerationMode, tokens: dict[str, str | None], known_reference: str, tally: Counter[Any]
) -> None:
    """Send ``EXAMPLES_PER_OPERATION_AND_MODE`` generated requests to one operation; fail on any 5xx."""
    # Reads of the known case as well as of generated references.
    references = [{"reference": known_reference}, {}] if "{reference}" in operation.path else [{}]

    @bounded(EXAMPLES_PER_OPERATION_AND_MODE)
    @given(data=st.data(), who=st.sampled_from(WHO), fixed=st.sampled_from(references))
    def run(data: st.DataObject, who: str, fixed: dict[str, str]) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
        token = tokens[who]
        if case.headers:
            case.headers.pop("Authorization", None)
        response = case.call(headers={"Authorization": f"Bearer {token}"} if token else {})
        tally[(operation.label, mode.value, response.status_code)] += 1
        assert response.status_code < 500, (
            f"{operation.label} ({mode.value}, token {who}) answered {response.status_code}: {response.text[:500]}"
        )
        # Every answer matches the document: status codes, content types, bodies and headers it declares. (Our
        # tokens are swapped in after generation, so the generated-auth check would misread them; tokens have
        # their own tests.)
        excluded = [checks.ignored_auth, checks.positive_data_acceptance]
        if mode is GenerationMode.NEGATIVE and mutated_only(case, "Authorization"):
            excluded.append(checks.negative_data_rejection)  # the broken header was replaced by a real token
        case.validate_response(response, excluded_checks=excluded)
        if mode is GenerationMode.POSITIVE and response.status_code == 422:
            # A request the document calls valid may be refused only for a rule the document states in words
            # (across fields, or relative to today or the token); anything else means the document is too loose.
            unstated = [error for error in response.json()["detail"] if not stated_in_words(error)]
            assert not unstated, f"{operation.label}: the document does not state why {unstated} was refused"

    run()


def mostly_valid(generated: Any, draw: Callable[[Any], Any]) -> dict[str, Any]:
    """The valid payload with some of its fields (and its first child's) replaced by generated, schema-valid ones.

    Random bodies rarely pass the rules across fields (dates in the past and in order...), so most would stop at
    validation; these reach the service, the encryption and both databases with odd but acceptable text.
    """
    body = copy.deepcopy(VALID_PAYLOAD)
    if not isinstance(generated, dict):
        return body
    for key, value in generated.items():
        if key in {"la_aware_on", "incident_on", "children"} or not draw(st.booleans()):
            continue
        body[key] = value
    children = generated.get("children") or []
    if children and isinstance(children[0], dict):
        child = {key: value for key, value in children[0].items() if key != "date_of_birth" and draw(st.booleans())}
        body["children"][0].update(child)
    # A different child each time: the duplicate warning has its own test (test_notifications.py).
    body["children"][0]["date_of_birth"] = draw(st.dates(date(2009, 1, 1), date(2026, 12, 16))).isoformat()
    if body["children"][0].get("age_years") is not None or body["children"][0].get("unborn"):
        del body["children"][0]["date_of_birth"]
    return body


def fuzz_valid_notifications(operation: Any, tokens: dict[str, str | None], tally: Counter[Any]) -> None:
    @bounded(VALID_NOTIFICATION_EXAMPLES)
    @given(data=st.data(), who=st.sampled_from(["notifier", "agency_contributor"]))
    def run(data: st.DataObject, who: str) -> None:
        case = data.draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        body = mostly_valid(case.body, data.draw)
        response = case.call(headers={"Authorization": f"Bearer {tokens[who]}"}, json=body)
        tally[(operation.label, "mostly valid", response.status_code)] += 1
        assert response.status_code < 500, f"{who} answered {response.status_code}: {response.text[:500]}"

    run()


def test_no_request_however_malformed_gets_a_server_error(
    app: InProcessWsgiApp, tokens: dict[str, str | None], notified_case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) == 9  # with information-requests, rapid-review, parallel-processes and local-review
    tally: Counter[tuple[str, str, int]] = Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, tokens, notified_case, tally)
        if operation.method.upper() == "POST":
            fuzz_valid_notifications(operation, tokens, tally)

    total = sum(tally.values())
    with capsys.disabled():
        statuses = Counter(status for (_, _, status) in tally.elements())
        print(f"\nschemathesis: {total} requests, statuses {dict(sorted(statuses.items()))}")
    assert total >= (len(operations) * 2 * EXAMPLES_PER_OPERATION_AND_MODE + VALID_NOTIFICATION_EXAMPLES) * 0.8
    # The fuzzer reached past authentication and validation: cases were created and read.
    assert any(status == 201 for (_, _, status) in tally)
    assert any(label.startswith("GET") and status == 200 for (label, _, status) in tally)
