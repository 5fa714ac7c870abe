"""The register's and a case's reviewer pages through the test client with real roles: GOV.UK errors that keep what
was typed, a commission refused for a conflict and another made, the override, invoices and ending access."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from cspr.cases.models import Case, CaseAccess
from cspr.domain.reviewers import COMPETENCIES
from cspr.reviewers.models import Commission, Invoice, Reviewer
from tests.rapid_reviews.support import BU
from tests.reviewers.support import (
    EVIDENCE,
    EXECUTIVE,
    MONDAY,
    REVIEWER_EMAIL,
    commissioned,
    organisation,
    propose,
    reviewer,
    to_local_review,
)
from tests.support import ClientAs, text

pytestmark = pytest.mark.django_db


def url(name: str, case: Case | None = None, **kwargs: Any) -> str:
    if case is not None:
        kwargs["reference"] = case.reference
    return reverse(f"reviewers:{name}", kwargs=kwargs or None)


def commission_form(who: Reviewer, *interests: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reviewer_id": str(who.pk),
        **{f"evidence_{code}": words for code, words in EVIDENCE.items()},
        "interests": [str(pk) for pk in interests],
        "other_interests": "",
        "fee": "4500",
        "purchase_order": "PO-2026-0042",
    }
    data.update(changes)
    return data


def test_the_business_unit_adds_a_reviewer_and_a_mistake_keeps_what_was_typed(client_as: ClientAs) -> None:
    client = client_as(BU)
    register = text(client.get(url("register")))
    assert "Rowan Achterberg" in register  # the demo's two reviewers
    assert "Quillfeather Review Associates (demo)" in register
    typed = {"name": "Cedar Reviewer", "organisation": "Cedar Practice (demo)", "email": "not an address", "phone": ""}
    refused = client.post(url("add"), {**typed, "experience": "Twelve reviews."})
    assert refused.status_code == 400
    page = text(refused)
    assert "Enter an e-mail address in the correct format" in page
    assert "Cedar Practice (demo)" in page
    assert "Twelve reviews." in page
    done = client.post(url("add"), {**typed, "email": "cedar@example.org", "experience": "Twelve reviews."})
    added = Reviewer.objects.get(email="cedar@example.org")
    assert done["Location"] == url("reviewer", reviewer_id=added.pk)
    shown = text(client.get(done["Location"]))
    assert "Twelve reviews." in shown
    assert "None yet." in shown  # no past reviews
    changed = client.post(
        url("change", reviewer_id=added.pk),
        {**typed, "email": "cedar@example.org", "phone": "01234 000111", "experience": "Thirteen reviews."},
    )
    assert changed.status_code == 302
    assert "Cedar Reviewer" in text(client.get(url("register")))


def test_another_partnerships_reviewer_is_not_found(client_as: ClientAs) -> None:
    ours = reviewer()
    theirs = client_as("southmoor.business.unit@example.org")
    assert theirs.get(url("reviewer", reviewer_id=ours.pk)).status_code == 404
    assert theirs.get(url("change", reviewer_id=ours.pk)).status_code == 404
    assert "Ash Independent" not in text(theirs.get(url("register")))


@pytest.mark.parametrize("email", [EXECUTIVE, "prg.chair@example.org", REVIEWER_EMAIL])
def test_only_the_business_unit_opens_the_register(client_as: ClientAs, email: str) -> None:
    assert client_as(email).get(url("register")).status_code == 403


@time_machine.travel(MONDAY, tick=False)
def test_a_conflicted_reviewer_is_refused_the_executive_overrides_and_the_business_unit_commissions(
    client_as: ClientAs,
) -> None:
    case = to_local_review()
    conflicted = reviewer()
    client = client_as(BU)
    form = text(client.get(url("commission", case)))
    assert all(competency.label in form for competency in COMPETENCIES)
    # A missing competency: a GOV.UK error, and the rest of what was typed kept.
    missing = client.post(url("commission", case), commission_form(conflicted, evidence_hindsight=""))
    assert missing.status_code == 400
    assert "Enter the evidence for: Understands practice" in text(missing)
    assert EVIDENCE["research"] in text(missing)
    # An interest in the Integrated Care Board, which the case involves: kept, not commissioned.
    refused = client.post(url("commission", case), commission_form(conflicted, organisation().pk), follow=True)
    page = text(refused)
    assert "is not commissioned yet: what stands in the way is shown with the proposal below." in page
    html = refused.content.decode()
    assert "govuk-notification-banner--success" not in html  # a proposal held back is not a success
    assert html.count("is not commissioned") == 1
    assert html.count("declared an interest in an organisation involved in this case") == 1  # said once, below
    assert "Northvale Integrated Care Board (demo)" in page
    assert Case.objects.get(pk=case.pk).stage == "local_review"
    proposal = Commission.objects.get(case=case)
    # The business unit cannot override; the Executive member does, with a reason.
    assert client.get(url("override", case, commission_id=proposal.pk)).status_code == 403
    executive = client_as(EXECUTIVE)
    assert "Override the conflict" in text(executive.get(url("commissioning", case)))
    empty = executive.post(url("override", case, commission_id=proposal.pk), {"reason": ""})
    assert "Enter why the conflict does not prevent the commission" in text(empty)
    executive.post(
        url("override", case, commission_id=proposal.pk), {"reason": "Their ICB work was elsewhere and is over."}
    )
    assert f"Commission {conflicted.name}" in text(client.get(url("commissioning", case)))
    done = client.post(url("confirm", case, commission_id=proposal.pk), {})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "reviewer_commissioned"
    overview = text(client.get(reverse("cases:detail", kwargs={"reference": case.reference})))
    assert "The commissioned reviewer is <strong>Ash Independent</strong>" in overview


@time_machine.travel(MONDAY, tick=False)
def test_a_reviewer_without_a_conflict_is_commissioned_from_the_form(client_as: ClientAs) -> None:
    case = to_local_review()
    client = client_as(BU)
    school = organisation("Northvale Learning Trust (demo)")
    done = client.post(url("commission", case), commission_form(reviewer(), school.pk), follow=True)
    assert "Ash Independent is commissioned" in text(done)
    assert Case.objects.get(pk=case.pk).stage == "reviewer_commissioned"
    # The form is not offered once the case has moved on.
    assert client.get(url("commission", case)).status_code == 302


@time_machine.travel(MONDAY, tick=False)
def test_invoices_and_the_reviewers_access_from_the_commissioning_page(client_as: ClientAs) -> None:
    case = commissioned()
    client = client_as(BU)
    bad = client.post(
        url("invoice-add", case),
        {
            "number": "INV-9",
            "amount": "lots",
            "received_on-day": "7",
            "received_on-month": "12",
            "received_on-year": "2026",
        },
    )
    assert bad.status_code == 400
    assert "INV-9" in text(bad)
    client.post(
        url("invoice-add", case),
        {
            "number": "INV-9",
            "amount": "1200.00",
            "received_on-day": "7",
            "received_on-month": "12",
            "received_on-year": "2026",
        },
    )
    invoice = Invoice.objects.get(number="INV-9")
    client.post(
        url("invoice-paid", case, invoice_id=invoice.pk),
        {"paid_on-day": "7", "paid_on-month": "12", "paid_on-year": "2026"},
    )
    assert Invoice.objects.get(pk=invoice.pk).paid_on is not None
    client.post(url("access", case), {"ends_on-day": "31", "ends_on-month": "3", "ends_on-year": "2027"})
    page = text(client.get(url("commissioning", case)))
    assert "31 March 2027" in page
    assert "£1,200.00" in page  # as the partnership's papers write an amount
    client.post(url("access-end", case), {})
    assert CaseAccess.objects.get(case=case).ending == CaseAccess.Ending.BUSINESS_UNIT
    assert "Ended by the business unit" in text(client.get(url("commissioning", case)))


@time_machine.travel(MONDAY, tick=False)
def test_the_executive_reads_the_commissioning_but_records_nothing_and_the_reviewer_reads_none_of_it(
    client_as: ClientAs,
) -> None:
    case = commissioned()
    executive = client_as(EXECUTIVE)
    page = text(executive.get(url("commissioning", case)))
    assert "Record an invoice" not in page
    assert executive.get(url("invoice-add", case)).status_code == 403
    assert client_as(REVIEWER_EMAIL).get(url("commissioning", case)).status_code == 403
    other = propose(to_local_review("NVALE-2026-001"), reviewer())
    assert other.commissioned
