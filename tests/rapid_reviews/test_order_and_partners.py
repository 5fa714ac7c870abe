"""Each step is dated on or after the one it follows, and ratification needs the three lead partners."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.models import Organisation, OrganisationType, PartnershipOrganisation
from cspr.rapid_reviews import services
from cspr.rapid_reviews.models import Ratification
from tests.rapid_reviews.support import (
    BU,
    EXEC_HEALTH,
    EXEC_LA,
    EXEC_POLICE,
    acting_as,
    at,
    panel_response,
    scope,
    sign,
    the_case,
    to_prg_decided,
    to_ratified,
)

pytestmark = pytest.mark.django_db


def test_a_sign_off_cannot_be_dated_before_the_prgs_decision(demo: dict) -> None:
    case = to_prg_decided(the_case())  # decided on 26 November
    who = scope(EXEC_LA)
    organisation_id = next(iter(who.organisation_ids_in(case.partnership_id, roles=["executive_member"])))
    with pytest.raises(CaseActionRefused, match="after the PRG's decision") as refused:
        services.partner_sign_off(
            acting=acting_as(EXEC_LA),
            case=case,
            organisation_id=organisation_id,
            agrees=True,
            rationale="",
            signed_on=date(2026, 11, 25),
            at=at(30),
        )
    assert refused.value.field == "signed_on"


def test_ratification_cannot_be_dated_before_the_last_sign_off(demo: dict) -> None:
    case = to_prg_decided(the_case())
    for email in (EXEC_LA, EXEC_HEALTH, EXEC_POLICE):
        sign(case, email)  # signed on 30 November
    with pytest.raises(CaseActionRefused, match="last partner's sign-off"):
        services.rapid_review_ratify(
            acting=acting_as(EXEC_LA), case=case, ratified_on=date(2026, 11, 27), at=at(2, month=12)
        )
    assert not Ratification.objects.filter(review__case=case).exists()


def test_ratification_needs_health_and_police_as_well_as_the_local_authority(demo: dict) -> None:
    case = to_prg_decided(the_case())
    sign(case, EXEC_LA)
    # A partnership set up with only the local authority as a safeguarding partner cannot ratify.
    PartnershipOrganisation.objects.filter(
        partnership_id=case.partnership_id,
        organisation__type__in=[OrganisationType.HEALTH, OrganisationType.POLICE],
    ).update(is_safeguarding_partner=False)
    with pytest.raises(CaseActionRefused, match="No sign-off yet from: health, the police"):
        services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, at=at(2, month=12))
    assert Organisation.objects.filter(type=OrganisationType.HEALTH).exists()


def test_the_panel_submission_and_response_follow_their_steps(demo: dict) -> None:
    case = to_ratified(the_case())  # ratified on 2 December
    with pytest.raises(CaseActionRefused, match="after the ratification"):
        services.panel_submission_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 1), at=at(3, month=12))
    services.panel_submission_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 3), at=at(3, month=12))
    with pytest.raises(CaseActionRefused, match="went to the Panel"):
        panel_response(
            case, "no_review", 2, details="The Panel agrees no further review is needed here.", recorded_day=7
        )
