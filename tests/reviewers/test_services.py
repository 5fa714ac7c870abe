"""The register and commissioning: allowed, refused, audited and atomic; a conflict blocks until an Executive member
overrides it; commissioning takes the lifecycle's transition, invites the reviewer and grants their case only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseAccess, CaseTransition
from cspr.domain import lifecycle
from cspr.kernel.errors import CaseActionRefused
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Invitation
from cspr.rapid_reviews.models import RapidReview
from cspr.reviewers import selectors, services
from cspr.reviewers.models import Commission, ConflictOverride, Invoice
from tests.cases.support import found_in, outbox_and_audit_text, raw_database_text
from tests.rapid_reviews.support import BU, CHAIR, acting_as, person
from tests.reviewers.support import (
    EVIDENCE,
    EXECUTIVE,
    EXPERIENCE,
    ICB,
    OTHER_CASE,
    REVIEWER_EMAIL,
    TODAY,
    WHEN,
    commissioned,
    organisation,
    propose,
    reviewer,
    to_local_review,
)
from tests.support import WriteFailed, fails_after_call, leaves_nothing_written

pytestmark = pytest.mark.django_db


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# -- the register ---------------------------------------------------------------------------------------------------


def test_the_business_unit_adds_a_reviewer_with_the_note_of_experience_sealed_and_audited_without_words() -> None:
    added = reviewer()
    assert added.name == "Ash Independent"
    assert added.unseal("experience") == EXPERIENCE
    assert found_in(raw_database_text(), ["Tansy Madeupton"]) == []
    event = events("reviewer.added")[-1]
    assert event.object_id == str(added.pk)
    assert event.membership_id is not None
    assert found_in(outbox_and_audit_text(), ["Ash Independent", "Tansy Madeupton"]) == []


@pytest.mark.parametrize("email", [CHAIR, EXECUTIVE, "reviewer@example.org", "admin@example.org"])
def test_only_the_business_unit_keeps_the_register(email: str) -> None:
    case = Case.objects.get(reference=OTHER_CASE)
    with pytest.raises(CaseActionRefused):
        services.reviewer_save(
            acting=acting_as(email), partnership_id=case.partnership_id, name="X", email="x@example.org"
        )


def test_one_reviewer_per_address_and_a_bad_address_is_refused_on_its_field() -> None:
    first = reviewer()
    partnership_id = first.partnership_id
    with pytest.raises(CaseActionRefused) as taken:
        services.reviewer_save(
            acting=acting_as(BU), partnership_id=partnership_id, name="Copy", email="ASH.independent@example.org"
        )
    assert taken.value.field == "email"
    with pytest.raises(CaseActionRefused) as bad:
        services.reviewer_save(acting=acting_as(BU), partnership_id=partnership_id, name="Bad", email="not an address")
    assert bad.value.field == "email"


def test_changing_a_reviewer_records_which_details_changed() -> None:
    first = reviewer()
    services.reviewer_save(
        acting=acting_as(BU),
        partnership_id=first.partnership_id,
        reviewer_id=first.pk,
        name="Ash Independent",
        email="ash.independent@example.org",
        organisation="Independent Reviews Ltd (demo)",
        phone="01234 567000",
        experience="Led seven local reviews.",
        at=WHEN,
    )
    first.refresh_from_db()
    assert first.organisation == "Independent Reviews Ltd (demo)"
    assert events("reviewer.changed")[-1].details["changed"] == ["organisation", "experience"]


# -- commissioning --------------------------------------------------------------------------------------------------


def test_a_reviewer_who_declared_an_interest_in_an_involved_organisation_is_refused_and_another_is_commissioned() -> (
    None
):
    case = to_local_review()
    conflicted = reviewer()
    blocked = propose(case, conflicted, interests=(organisation().pk,))
    assert not blocked.commissioned
    assert any(ICB in blocker for blocker in blocked.blockers)
    assert Case.objects.get(pk=case.pk).stage == "local_review"
    assert not CaseAccess.objects.filter(case=case).exists()
    assert not Invitation.objects.filter(email=conflicted.email).exists()
    assert events("reviewer.commission_refused")[-1].details["conflicting"] == [organisation().pk]

    other = reviewer("birch.reviews@example.org", name="Birch Reviews")
    school = organisation("Northvale Learning Trust (demo)")
    taken = propose(case, other, interests=(school.pk,))
    assert taken.commissioned
    case = Case.objects.get(pk=case.pk)
    assert case.stage == "reviewer_commissioned"
    move = CaseTransition.objects.filter(case=case).latest("id")
    assert move.transition == "commission_reviewer"
    assert move.actor_role == "business_unit"
    commission = Commission.objects.get(pk=taken.commission.pk)
    assert commission.status == Commission.Status.COMMISSIONED
    assert Commission.objects.get(pk=blocked.commission.pk).status == Commission.Status.SET_ASIDE
    # Invited with the reviewer's role (no account yet), and given this case only.
    invitation = Invitation.objects.get(email="birch.reviews@example.org")
    assert invitation.role == "reviewer"
    assert invitation.created_at == WHEN  # dated as the commissioning is, not by the machine's clock
    assert commission.access is not None
    assert commission.access.invitation == invitation
    assert commission.access.case == case
    # One e-mail: the invitation (its link a secret), saying why, with the case's reference and no name.
    (told,) = OutboundMessage.objects.filter(to="birch.reviews@example.org")
    assert told.kind == "invitation"
    assert told.subject.startswith(f"{case.reference}: ")  # as every e-mail about a case
    assert "commissioned you as the reviewer" in told.body
    assert "Birch" not in told.body
    assert selectors.reviewer_name_for_case(case=case) == "Birch Reviews"
    assert events("reviewer.commissioned")[-1].details["reviewer"] == other.pk


def test_the_evidence_and_other_interests_are_sealed_and_never_in_mail_or_audit() -> None:
    case = to_local_review()
    evidence = {**EVIDENCE, "practice": "Worked with Tansy Madeupton's school on another review."}
    propose(case, reviewer(), evidence=evidence, other_interests="Knew Linden Madeupton at university.")
    text = raw_database_text()
    assert found_in(text, ["Tansy Madeupton", "Linden Madeupton"]) == []
    assert found_in(outbox_and_audit_text(), ["Tansy Madeupton", "Linden Madeupton", "Ash Independent"]) == []


def test_a_perceived_conflict_blocks_like_a_real_one() -> None:
    case = to_local_review()
    proposal = propose(case, reviewer(), other_interests="Was a governor of a local school.", perceived_conflict=True)
    assert not proposal.commissioned
    assert Case.objects.get(pk=case.pk).stage == "local_review"


def test_the_executive_overrides_the_conflict_with_a_reason_then_the_business_unit_commissions() -> None:
    case = to_local_review()
    proposal = propose(case, reviewer(), interests=(organisation().pk,))
    with pytest.raises(CaseActionRefused, match=lifecycle.REVIEWER_NOT_CHECKED.replace("(", r"\(").replace(")", r"\)")):
        services.commission_confirm(acting=acting_as(BU), case=case, commission_id=proposal.commission.pk, at=WHEN)
    with pytest.raises(CaseActionRefused):  # the business unit cannot override
        services.commission_conflict_override(
            acting=acting_as(BU), case=case, commission_id=proposal.commission.pk, reason="Fine.", at=WHEN
        )
    with pytest.raises(CaseActionRefused) as empty:
        services.commission_conflict_override(
            acting=acting_as(EXECUTIVE), case=case, commission_id=proposal.commission.pk, reason="  ", at=WHEN
        )
    assert empty.value.field == "reason"
    override = services.commission_conflict_override(
        acting=acting_as(EXECUTIVE),
        case=case,
        commission_id=proposal.commission.pk,
        reason="Their work for the ICB was in another county and ended before the incident.",
        at=WHEN,
    )
    assert override.unseal("reason").startswith("Their work")
    (event,) = events("reviewer.conflict_overridden")
    assert event.details["conflicting"] == [organisation().pk]
    assert event.membership_id is not None
    services.commission_confirm(acting=acting_as(BU), case=case, commission_id=proposal.commission.pk, at=WHEN)
    assert Case.objects.get(pk=case.pk).stage == "reviewer_commissioned"
    assert events("reviewer.commissioned")[-1].details["overridden"] is True


def test_no_conflict_means_nothing_to_override() -> None:
    case = to_local_review()
    waiting = propose(case, reviewer(), evidence={**EVIDENCE})
    assert waiting.commissioned  # no conflict: commissioned at once
    with pytest.raises(CaseActionRefused):
        services.commission_conflict_override(
            acting=acting_as(EXECUTIVE), case=case, commission_id=waiting.commission.pk, reason="Why not.", at=WHEN
        )
    assert not ConflictOverride.objects.exists()


def test_every_competency_needs_its_evidence_and_nothing_is_kept_without_it() -> None:
    case = to_local_review()
    missing = {code: text for code, text in EVIDENCE.items() if code != "hindsight"}
    with pytest.raises(CaseActionRefused) as refused:
        propose(case, reviewer(), evidence=missing)
    assert refused.value.field == "evidence_hindsight"
    assert not Commission.objects.filter(case=case).exists()


def test_a_reviewer_is_commissioned_only_at_the_local_review_stage() -> None:
    case = Case.objects.get(reference=OTHER_CASE)
    with pytest.raises(CaseActionRefused, match="local review stage"):
        propose(case, reviewer())


@pytest.mark.parametrize("email", [CHAIR, EXECUTIVE, "reviewer@example.org", "contributor.health@example.org"])
def test_only_the_business_unit_commissions(email: str) -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused):
        services.commission_propose(
            acting=acting_as(email),
            case=case,
            reviewer_id=reviewer().pk,
            evidence=EVIDENCE,
            interests=(),
            fee="10",
            purchase_order="PO",
        )


def test_the_rapid_reviews_agencies_count_as_involved() -> None:
    case = to_local_review()
    police = organisation("Vale and Moor Police (demo)")
    assert police.pk not in selectors.involved_organisation_ids(case=case)
    # The rapid review's record of the agencies involved (§4.3), as its section saves it.
    review = RapidReview.objects.create(case=case, updated_by=person(BU), updated_at=WHEN)
    review.agencies_involved.add(police)
    assert police.pk in selectors.involved_organisation_ids(case=case)
    assert not propose(case, reviewer(), interests=(police.pk,)).commissioned


def test_commissioning_is_one_transaction_with_the_invitation_and_the_access() -> None:
    case = to_local_review()
    who = reviewer()
    failing = mock.patch(
        "cspr.reviewers.services.case_access_grant",
        side_effect=fails_after_call(services.case_access_grant),
    )
    with leaves_nothing_written(failing):
        propose(case, who)
    assert Case.objects.get(pk=case.pk).stage == "local_review"


def test_the_override_is_atomic_with_its_audit_event() -> None:
    case = to_local_review()
    proposal = propose(case, reviewer(), interests=(organisation().pk,))
    failing = mock.patch("cspr.reviewers.services.audit_case", side_effect=WriteFailed("audit failed"))
    with leaves_nothing_written(failing):
        services.commission_conflict_override(
            acting=acting_as(EXECUTIVE), case=case, commission_id=proposal.commission.pk, reason="A reason.", at=WHEN
        )


# -- invoices --------------------------------------------------------------------------------------------------------


def test_invoices_are_recorded_and_paid_once_never_before_they_came() -> None:
    case = commissioned()
    invoice = services.invoice_add(
        acting=acting_as(BU), case=case, number="INV-7", amount="1500.50", received_on=TODAY, at=WHEN
    )
    assert invoice.amount == Decimal("1500.50")
    with pytest.raises(CaseActionRefused) as twice:
        services.invoice_add(acting=acting_as(BU), case=case, number="INV-7", amount="1", received_on=TODAY, at=WHEN)
    assert twice.value.field == "number"
    with pytest.raises(CaseActionRefused) as zero:
        services.invoice_add(acting=acting_as(BU), case=case, number="INV-8", amount="0", received_on=TODAY, at=WHEN)
    assert zero.value.field == "amount"
    with pytest.raises(CaseActionRefused) as early:
        services.invoice_paid(
            acting=acting_as(BU), case=case, invoice_id=invoice.pk, paid_on=date(2026, 12, 6), at=WHEN
        )
    assert early.value.field == "paid_on"
    services.invoice_paid(acting=acting_as(BU), case=case, invoice_id=invoice.pk, paid_on=TODAY, at=WHEN)
    assert Invoice.objects.get(pk=invoice.pk).paid_on == TODAY
    with pytest.raises(CaseActionRefused, match="paid on"):
        services.invoice_paid(acting=acting_as(BU), case=case, invoice_id=invoice.pk, paid_on=TODAY, at=WHEN)
    assert [event.details["amount"] for event in events("reviewer.invoice_added")] == ["1500.50"]


def test_no_invoice_before_a_reviewer_is_commissioned() -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused, match="No reviewer"):
        services.invoice_add(acting=acting_as(BU), case=case, number="INV-1", amount="10", received_on=TODAY, at=WHEN)


def test_a_reviewer_who_has_an_account_gets_one_email_saying_they_are_commissioned() -> None:
    before = OutboundMessage.objects.filter(to=REVIEWER_EMAIL).count()
    case = commissioned()
    (told,) = OutboundMessage.objects.filter(to=REVIEWER_EMAIL)[before:]
    assert told.kind == "reviewers.commissioned"
    assert told.subject.startswith(f"{case.reference}: ")  # as every e-mail about a case
    assert f"/cases/{case.reference}/" in told.body
    assert "Rowan" not in told.body
