"""The record's outline: the completeness check runs on it and gives what it would give on the words, the pages that
say how complete the record is read none of its words, and the migration measures records written before it."""

from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import transaction

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, Child
from cspr.domain.rapid_review import (
    ActionDraft,
    AgencyDraft,
    ChildArrangement,
    RapidReviewDraft,
    check_rapid_review,
)
from cspr.rapid_reviews import selectors, services
from cspr.rapid_reviews.models import RapidReview
from cspr.rapid_reviews.outline import TEXT_FIELDS
from tests.rapid_reviews.support import (
    BU,
    REASON,
    SUMMARY,
    complete_record,
    partners,
    save,
    statutory,
    the_case,
)

pytestmark = pytest.mark.django_db

OUTLINE_MIGRATION = importlib.import_module("cspr.rapid_reviews.migrations.0007_outline")


def words_draft(case: Case) -> RapidReviewDraft:
    """The draft as it was built before the outline: every text unsealed from its row."""
    review = RapidReview.objects.get(case=case)
    children = Child.objects.filter(case=case).order_by("position")
    arrangements = {row.child_id: row.unseal("arrangements") for row in review.safeguarding.all()}
    involved = set(review.agencies_involved.values_list("id", flat=True))
    omissions = {row.organisation_id: row.unseal("reason") for row in review.omissions.all()}
    agencies = statutory(case)
    return RapidReviewDraft(
        children=tuple(ChildArrangement(child.pseudonym, arrangements.get(child.pk, "")) for child in children),
        practice_and_equality_required=selectors.practice_and_equality_required(case=case),
        judgements={row.code: (row.judgement, row.unseal("reason")) for row in review.judgements.all()},
        local_decision=review.local_decision,
        national_recommendation=review.national_recommendation,
        national_criteria=tuple(review.national_criteria),
        actions=tuple(
            ActionDraft(what=row.unseal("what"), has_owner=row.owner_organisation_id is not None, due_on=row.due_on)
            for row in review.actions.all()
        ),
        statutory_agencies=tuple(
            AgencyDraft(name=org.name, involved=org.pk in involved, omission_reason=omissions.get(org.pk, ""))
            for org in agencies
        ),
        other_agencies_involved=len(involved - {org.pk for org in agencies}),
        **{name: review.unseal(name) for name in TEXT_FIELDS},
    )


def outline_check(case: Case) -> Any:
    return selectors.review_completeness(case=case, review=RapidReview.objects.get(case=case))


def test_a_complete_record_is_complete_by_its_outline() -> None:
    case = the_case()
    complete_record(case)
    assert outline_check(case).complete
    assert outline_check(case) == check_rapid_review(words_draft(case))


# Each row: the saves that follow a complete record, leaving it incomplete in one way or another.
SAVES: dict[str, list[tuple[str, Any]]] = {
    "thin summary": [("facts", {"facts_summary": "Too short."})],
    "spaces do not count": [("facts", {"facts_summary": "x" + " " * 200 + "y"})],
    "one child without arrangements": [("safeguarding", "first child blank")],
    "a judgement withdrawn": [("criteria", "first judgement blank")],
    "a thin reason": [("criteria", "first reason thin")],
    "no local review and no reason why not": [("decisions", {"local_decision": "no", "no_further_learning": ""})],
    "no actions": [("learning", {"immediate_learning": REASON, "actions": []})],
    "an action with no owner": [("learning", "action without owner")],
    "a statutory agency left out without a reason": [("agencies", "first statutory out")],
    "a statutory agency left out with a reason": [("agencies", "first statutory out, with reason")],
    "saved twice, the second fixes the first": [
        ("facts", {"facts_summary": "Too short."}),
        ("facts", {"facts_summary": SUMMARY}),
    ],
}


def _values(case: Case, section: str, spec: Any) -> dict[str, Any]:
    if isinstance(spec, dict):
        return spec
    children = list(Child.objects.filter(case=case).order_by("position"))
    agencies = statutory(case)
    review = RapidReview.objects.get(case=case)
    first_code = review.judgements.order_by("code").first().code  # type: ignore[union-attr]
    values: dict[str, dict[str, Any]] = {
        "first child blank": {"arrangements": {children[0].pk: ""}},
        "first judgement blank": {"judgements": {first_code: ("", "")}},
        "first reason thin": {"judgements": {first_code: ("met", "Thin.")}},
        "action without owner": {
            "immediate_learning": REASON,
            "actions": [services.ActionInput(REASON, None, date(2027, 1, 31))],
        },
        "first statutory out": {"involved": [org.pk for org in agencies[1:]], "omissions": {}},
        "first statutory out, with reason": {
            "involved": [org.pk for org in agencies[1:]],
            "omissions": {agencies[0].pk: "They had no contact with the family at all."},
        },
    }
    return values[spec]


def test_the_outline_says_what_the_words_say() -> None:
    """Each row of the table starts again from the same complete record (a savepoint rolled back after it)."""
    case = the_case()
    complete_record(case)
    differ, still_complete = [], []
    for name, saves in SAVES.items():
        with transaction.atomic():
            for section, spec in saves:
                save(case, section, _values(case, section, spec))
            check = outline_check(case)
            if check != check_rapid_review(words_draft(case)):
                differ.append(name)
            if check.complete:
                still_complete.append(name)
            transaction.set_rollback(True)
    assert differ == []
    assert still_complete == ["a statutory agency left out with a reason", "saved twice, the second fixes the first"]
    assert outline_check(case).complete


def test_a_child_added_later_has_no_arrangements_yet() -> None:
    case = the_case()
    complete_record(case)
    first = Child.objects.filter(case=case).order_by("position").first()
    assert first is not None
    Child.objects.create(case=case, position=first.position + 10, pseudonym="Child Z")
    problems = [problem.message for problem in outline_check(case).problems]
    assert "Immediate safeguarding arrangements for Child Z are missing." in problems


def test_the_outline_holds_no_words() -> None:
    case = the_case()
    complete_record(case)
    stored = json.dumps(RapidReview.objects.get(case=case).outline)
    for text in (SUMMARY, REASON, "is safe with relatives", "neglect toolkit", "joint working"):
        assert text not in stored
    assert all(isinstance(value, int) for key, value in json.loads(stored).items() if key in TEXT_FIELDS)


def test_the_case_pages_say_how_complete_the_record_is_without_reading_its_words(client_as: Any) -> None:
    case = the_case()
    complete_record(case)
    client = client_as(BU)
    before = AuditEvent.objects.count()
    for part in ("", "notification-and-decisions/", "history/", "documents/"):
        response = client.get(f"/cases/{case.reference}/{part}")
        assert response.status_code == 200
    read = [
        place
        for event in AuditEvent.objects.order_by("pk")[before:]
        if event.verb == "sealed_text.read"
        for place in event.details.get("places", [])
    ]
    assert read, "the notification page shows (and audits) the case's own free text"
    assert not [place for place in read if place.startswith("rapid_reviews.")]


def test_the_migration_measures_records_written_before_it() -> None:
    case = the_case()
    complete_record(case)
    save(case, "agencies", _values(case, "agencies", "first statutory out, with reason"))
    review = RapidReview.objects.get(case=case)
    written = review.outline
    RapidReview.objects.filter(pk=review.pk).update(outline={})
    OUTLINE_MIGRATION.outline_fill(django_apps, None)
    assert RapidReview.objects.get(pk=review.pk).outline == written
    assert partners(case)  # the demo case has partners, so the agencies' part was measured from real rows
