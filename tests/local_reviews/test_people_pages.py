"""The pages of practitioner events, the family involvement log, the explainers and the thread with the reviewer,
through the test client with real roles: who sees the family log (and that every read is audited), forms that keep
what was typed when refused, versions of an explainer and its print view, and the thread read and answered."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.domain.roles import Role
from cspr.kernel.sealing import READ_VERB
from cspr.local_reviews import services_people
from cspr.local_reviews.models import ExplainerVersion, FamilyEntry, ReviewerMessage
from tests.local_reviews.support_people import (
    NOW,
    REVIEWER,
    WORDS,
    father,
    finished_family_explainer,
    reviewed_case,
    role_email,
    some_organisations,
)
from tests.rapid_reviews.support import BU, acting_as
from tests.support import ClientAs, date_fields, text

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def page(case: Case, rest: str) -> str:
    return f"/cases/{case.reference}/local-review/{rest}"


def logged(case: Case) -> FamilyEntry:
    return services_people.family_entry_record(
        acting=acting_as(REVIEWER),
        case=case,
        person=father(case),
        kind="expectations",
        happened_on=date(2026, 12, 9),
        note=WORDS,
        managed="Explained that the review looks at services, not at blame.",
    )


# -- the family involvement log ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BUSINESS_UNIT, Role.REVIEWER, Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR])
def test_the_log_is_read_by_the_business_unit_the_reviewer_and_the_chairs_each_read_audited(
    client_as: ClientAs, role: Role
) -> None:
    case = reviewed_case()
    row = logged(case)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client_as(role_email(role)).get(page(case, "family/"))
    assert response.status_code == 200
    shown = text(response)
    assert WORDS in shown
    assert "Household member 1 (father)" in shown
    assert "Child A (a child of the case)" in shown
    assert "Juniper Sampleton (" not in shown  # named by relationship, never by name as a heading
    events = AuditEvent.objects.filter(id__gt=before)
    opened = events.get(verb="local_review.family_log_read")
    assert getattr(opened.actor, "email", None) == role_email(role)
    assert opened.details["entries"] == 1
    places = events.get(verb=READ_VERB).details["places"]
    assert row.seal_context("note") in places
    assert row.seal_context("managed") in places


@pytest.mark.parametrize(
    "role",
    [
        Role.PRG_MEMBER,
        Role.EXECUTIVE_MEMBER,
        Role.AGENCY_CONTRIBUTOR,
        Role.AUDITOR,
        Role.PARTNERSHIP_ADMIN,
        Role.NOTIFIER,
    ],
)
def test_no_other_role_sees_the_log(client_as: ClientAs, role: Role) -> None:
    case = reviewed_case()
    logged(case)
    response = client_as(role_email(role)).get(page(case, "family/"))
    assert response.status_code in (403, 404)
    assert WORDS not in text(response)
    assert not AuditEvent.objects.filter(verb="local_review.family_log_read", actor__email=role_email(role)).exists()


def test_a_refused_entry_keeps_what_was_typed_and_a_good_one_is_logged(client_as: ClientAs) -> None:
    case = reviewed_case()
    client = client_as(BU)
    typed = {"person": father(case), "kind": "expectations", "note": WORDS, **date_fields("happened_on", NOW.date())}
    response = client.post(page(case, "family/add/"), typed)
    assert response.status_code == 400
    shown = text(response)
    assert services_people.MANAGED_NEEDED in shown
    assert WORDS in shown
    response = client.post(page(case, "family/add/"), {**typed, "managed": "Agreed to meet again in January."})
    assert response.status_code == 302
    assert response["Location"].endswith("/family/")
    assert FamilyEntry.objects.get(review__case=case).unseal("managed") == "Agreed to meet again in January."
    log = client.get(page(case, "family/")).content.decode()
    assert "Agreed to meet again in January." in log
    assert "&lt;span" not in log  # the words are shown as typed, keeping their lines, and no markup is shown


def test_giving_the_explainer_through_the_page_names_its_version(client_as: ClientAs) -> None:
    case = reviewed_case()
    client = client_as(REVIEWER)
    form = client.get(page(case, "family/add/"))
    assert "The service's wording, not finished: it has words in square brackets to fill in" in text(form)
    given = {"person": father(case), "kind": "explainer", "how": "in_person", **date_fields("happened_on", NOW.date())}
    refused = client.post(page(case, "family/add/"), {**given, "explainer": "0"})
    assert refused.status_code == 400
    assert "still has words in square brackets" in text(refused)
    number = finished_family_explainer(case)
    assert "not finished" not in text(client.get(page(case, "family/add/")))
    response = client.post(page(case, "family/add/"), {**given, "explainer": str(number)})
    assert response.status_code == 302
    shown = text(client.get(page(case, "family/")))
    assert "Given the explainer" in shown
    assert "(version 1)" in shown


# -- practitioner events ----------------------------------------------------------------------------------------------


def test_the_reviewer_records_an_event_and_the_chair_reads_it(client_as: ClientAs) -> None:
    case = reviewed_case()
    invited = some_organisations(case)
    client = client_as(REVIEWER)
    refused = client.post(
        page(case, "practitioner-events/add/"),
        {"feedback": "Hard to reach the family.", **date_fields("held_on", NOW.date())},
    )
    assert refused.status_code == 400
    assert "Hard to reach the family." in text(refused)
    response = client.post(
        page(case, "practitioner-events/add/"),
        {"invited": [str(pk) for pk in invited], "attended": [str(invited[0])], "feedback": "Hard to reach the family.",
         **date_fields("held_on", NOW.date())},
    )  # fmt: skip
    assert response.status_code == 302
    shown = text(client_as(role_email(Role.PRG_CHAIR)).get(page(case, "practitioner-events/")))
    assert "Hard to reach the family." in shown
    assert "14 December 2026" in shown
    assert "Record a practitioner event" not in shown


# -- the thread with the reviewer -------------------------------------------------------------------------------------


def test_the_business_unit_writes_and_the_reviewer_reads_and_replies(client_as: ClientAs) -> None:
    case = reviewed_case()
    bu = client_as(BU)
    refused = bu.post(page(case, "messages/"), {"message": ""})
    assert refused.status_code == 400
    assert "Enter your message" in text(refused)
    assert bu.post(page(case, "messages/"), {"message": WORDS}).status_code == 302
    reviewer = client_as(REVIEWER)
    shown = text(reviewer.get(page(case, "messages/")))
    assert WORDS in shown
    assert getattr(ReviewerMessage.objects.get(review__case=case).read_by, "email", None) == REVIEWER
    assert reviewer.post(page(case, "messages/"), {"message": "I will ask the GP."}).status_code == 302
    shown = text(bu.get(page(case, "messages/")))
    assert "I will ask the GP." in shown
    assert "Read by" in shown


@pytest.mark.parametrize("role", [Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR, Role.AUDITOR])
def test_the_thread_is_the_business_unit_and_the_reviewers_alone(client_as: ClientAs, role: Role) -> None:
    case = reviewed_case()
    services_people.reviewer_message_send(acting=acting_as(BU), case=case, message=WORDS)
    response = client_as(role_email(role)).get(page(case, "messages/"))
    assert response.status_code in (403, 404)
    assert WORDS not in text(response)


def test_another_reviewer_does_not_reach_the_review(client_as: ClientAs) -> None:
    other = Case.objects.get(reference="NVALE-2026-003")
    reviewed_case()
    assert client_as(REVIEWER).get(page(other, "family/")).status_code == 404


# -- explainers -------------------------------------------------------------------------------------------------------


def test_the_admin_changes_an_explainer_older_versions_stay_and_each_prints(client_as: ClientAs) -> None:
    client = client_as(role_email(Role.PARTNERSHIP_ADMIN))
    assert "Not finished: 3 gaps in square brackets to fill in" in text(client.get("/partnership/explainers/family/"))
    assert "not finished" in text(client.get("/partnership/explainers/"))
    first = text(client.get("/partnership/explainers/family/edit/"))
    assert "Information Commissioner's Office" in first
    assert "Northvale" in first
    refused = client.post(
        "/partnership/explainers/family/edit/", {"title": "", "body": "Our own words.", "opened_version": "0"}
    )
    assert refused.status_code == 400
    assert "Our own words." in text(refused)
    for number, body in ((0, "Our own words.\n\n## Who to contact\n\n- The business unit"), (1, "Newer words.")):
        response = client.post(
            "/partnership/explainers/family/edit/",
            {"title": "About the review", "body": body, "opened_version": str(number)},
        )
        assert response.status_code == 302
    stale = client.post(
        "/partnership/explainers/family/edit/", {"title": "T", "body": "From an old page.", "opened_version": "1"}
    )
    assert stale.status_code == 409
    assert "From an old page." in text(stale)
    versions = ExplainerVersion.objects.filter(kind="family").order_by("number")
    assert [row.body for row in versions] == [
        "Our own words.\n\n## Who to contact\n\n- The business unit",
        "Newer words.",
    ]
    old = text(client.get("/partnership/explainers/family/1/print/"))
    assert "Our own words." in old
    assert '<h2 class="govuk-heading-m app-print-block">Who to contact</h2>' in old
    assert "<li>The business unit</li>" in old
    latest = text(client.get("/partnership/explainers/family/"))
    assert "Version 2" in latest
    assert "Not finished" not in latest
    assert client.get("/partnership/explainers/family/9/").status_code == 404
    assert client.get("/partnership/explainers/leaflet/").status_code == 404


@pytest.mark.parametrize("role", [Role.PRG_CHAIR, Role.REVIEWER, Role.AUDITOR])
def test_only_the_business_unit_and_the_admin_keep_the_explainers(client_as: ClientAs, role: Role) -> None:
    assert client_as(role_email(role)).get("/partnership/explainers/").status_code == 403
