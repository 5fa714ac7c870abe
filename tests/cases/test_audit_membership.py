"""Each case service's audit event names the membership that allowed the action, not merely one the person holds,
and the address the person acted from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases import drafts, services
from cspr.cases.models import Case, CaseClock, CaseLink, DutyKind
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Membership, Organisation, OrganisationType, Partnership
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import LONDON, SubmitFunc, make_notification
from tests.support import private_storage

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.44"


def membership(email: str, role: Role, partnership: Partnership) -> Membership:
    return Membership.objects.get(user__email=email, partnership=partnership, role=role)


def also(email: str, role: Role, partnership: Partnership, organisation: Organisation | None = None) -> Membership:
    """A newer membership for a demo person, besides the one they already hold."""
    return Membership.objects.create(
        user=User.objects.get(email=email), partnership=partnership, role=role, organisation=organisation
    )


def acting(email: str) -> Acting:
    return acting_for(User.objects.get(email=email), client_ip=ADDRESS)


def decide(case: Case, email: str, **decision: Any) -> None:
    """This person records the local authority's decision on the case, on 18 December 2026."""
    services.la_decision_record(
        acting=acting(email),
        case=case,
        decided_on=date(2026, 12, 18),
        recorded_at=datetime(2026, 12, 18, 17, 0, tzinfo=LONDON),
        **decision,
    )


def last_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.filter(verb=verb).latest("id")


def recorded(verb: str, expected: Membership) -> None:
    event = last_event(verb)
    assert (event.membership_id, event.actor_id, event.ip_address) == (expected.pk, expected.user_id, ADDRESS)


@pytest.fixture
def northvale(demo: dict[str, Partnership]) -> Partnership:
    return demo["northvale"]


@pytest.fixture
def auditor_in_the_business_unit(northvale: Partnership) -> Membership:
    """The auditor also joins the business unit: the older auditor membership allows none of these actions."""
    return also("auditor@example.org", Role.BUSINESS_UNIT, northvale)


@dataclass(frozen=True)
class Auditor:
    """The auditor acting (from :data:`ADDRESS`), and the business unit membership each event must record."""

    acting: Acting
    membership: Membership


@pytest.fixture
def auditor(auditor_in_the_business_unit: Membership) -> Auditor:
    return Auditor(acting("auditor@example.org"), auditor_in_the_business_unit)


def test_the_las_decision_records_the_notifiers_membership_even_for_a_notifier_also_in_the_business_unit(
    submit: SubmitFunc, northvale: Partnership
) -> None:
    case = submit()
    also("notifier@example.org", Role.BUSINESS_UNIT, northvale)
    decide(case, "notifier@example.org", notify_panel=True, reason="Neglect is suspected.")
    recorded("case.la_decision_recorded", membership("notifier@example.org", Role.NOTIFIER, northvale))


def test_a_decision_on_the_las_behalf_records_the_business_unit_membership(
    submit: SubmitFunc, northvale: Partnership, auditor_in_the_business_unit: Membership
) -> None:
    case = submit()
    decide(
        case,
        "auditor@example.org",
        notify_panel=False,
        reason="Not notifiable.",
        la_officer_name="Dana Example",
        la_officer_role="Head of children's services",
    )
    recorded("case.la_decision_recorded", auditor_in_the_business_unit)


@pytest.mark.parametrize(
    ("email", "role"), [("notifier@example.org", Role.NOTIFIER), ("business.unit@example.org", Role.BUSINESS_UNIT)]
)
def test_a_duty_records_the_membership_that_may_record_it(
    submit: SubmitFunc, northvale: Partnership, email: str, role: Role
) -> None:
    case = submit()
    services.duty_record(
        acting=acting(email),
        case=case,
        kind=DutyKind.PARTNERS_INFORMED,
        done_on=date(2026, 12, 18),
        recorded_at=datetime(2026, 12, 18, 17, 0, tzinfo=LONDON),
    )
    recorded("case.duty_recorded", membership(email, role, northvale))


def test_an_extension_records_the_business_unit_membership(submit: SubmitFunc, auditor: Auditor) -> None:
    case = submit()
    clock = CaseClock.objects.get(case=case, clock_id="panel_notification")
    services.clock_extension_record(
        acting=auditor.acting,
        case=case,
        clock_id=clock.clock_id,
        extended_to=clock.effective_due + timedelta(days=7),
        reason="Agreed by telephone.",
        agreed_by="The Panel",
    )
    recorded("case.clock_extended", auditor.membership)


def test_attaching_and_downloading_a_document_record_the_membership_that_allows_each(
    submit: SubmitFunc, auditor: Auditor, settings: Any, tmp_path: Any
) -> None:
    private_storage(settings, tmp_path)
    case = submit()
    document = services.document_attach(
        acting=auditor.acting,
        case=case,
        upload=SimpleUploadedFile("note.txt", b"A note.", content_type="text/plain"),
        title="A note",
    )
    recorded("case.document_attached", auditor.membership)
    services.document_download(acting=auditor.acting, case=case, document=document, purpose="check_notification")
    recorded("case.document_downloaded", auditor.membership)


def test_seeing_identifying_details_records_the_membership_that_allows_it(submit: SubmitFunc, auditor: Auditor) -> None:
    case = submit()
    services.identifying_details_view(acting=auditor.acting, case=case, purpose="duplicate_check")
    recorded("case.identifying_details_viewed", auditor.membership)


def test_linking_and_dismissing_record_the_business_unit_membership(submit: SubmitFunc, auditor: Auditor) -> None:
    case = submit()
    services.case_link(acting=auditor.acting, case=case, other_reference="NVALE-2026-003")
    recorded("case.linked", auditor.membership)
    possible = CaseLink.objects.create(
        case=case,
        kind=CaseLink.Kind.POSSIBLE_DUPLICATE,
        other_case=Case.objects.get(reference="NVALE-2026-005"),
        created_at=timezone.now(),
    )
    services.case_link_dismiss(acting=auditor.acting, case=case, link_id=possible.pk)
    recorded("case.duplicate_dismissed", auditor.membership)


def test_a_submitted_draft_records_the_membership_it_was_submitted_through(northvale: Partnership) -> None:
    la = Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, partnership_links__partnership=northvale)
    also("business.unit@example.org", Role.NOTIFIER, northvale, organisation=la.first())
    submitter = acting("business.unit@example.org")
    draft = drafts.draft_create(acting=submitter, partnership=northvale, answers={}, current_step="about-you")
    case = drafts.draft_submit(
        acting=submitter,
        draft=draft,
        data=make_notification(),
        as_referral=False,
        submitted_at=datetime(2026, 12, 18, 16, 0, tzinfo=LONDON),
    )
    notifier = membership("business.unit@example.org", Role.NOTIFIER, northvale)
    recorded("case.notified", notifier)
    recorded("notification_draft.submitted", notifier)
    assert case.submitted_by_organisation_id == notifier.organisation_id
