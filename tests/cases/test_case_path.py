"""The overview's "Where the case is": each demo case's own way through the flowcharts, as its transitions went."""

from __future__ import annotations

import html
import re

import pytest

from cspr.cases.models import Case
from cspr.cases.selectors import case_for_page, case_get, case_page_annotations, case_path
from cspr.domain.lifecycle import Stage
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import scope_for
from tests.support import ClientAs

pytestmark = pytest.mark.django_db

S = Stage
DONE, CURRENT, TO_COME = "done", "current", "to_come"
TO_THE_PANEL = [
    (S.NOTIFICATION_ASSESSED, DONE),
    (S.RAPID_REVIEW, DONE),
    (S.PRG_DECIDED, DONE),
    (S.EXECUTIVE_RATIFIED, DONE),
    (S.SUBMITTED_TO_PANEL, DONE),
    (S.AWAITING_PANEL, DONE),
]
STILL_TO_COME = {
    "appendix_2": [
        (stage, TO_COME)
        for stage in (
            S.LOCAL_REVIEW,
            S.REVIEWER_COMMISSIONED,
            S.REVIEW_IN_PROGRESS,
            S.DRAFT_REPORT,
            S.SIGNED_OFF,
            S.PRE_PUBLICATION,
            S.PUBLISHED,
        )
    ],
    "learning": [(S.LEARNING_AND_ACTIONS, TO_COME), (S.CLOSED, TO_COME)],
}
NOT_NOTIFIABLE = [(S.NOTIFICATION_ASSESSED, DONE), (S.NOT_NOTIFIABLE, CURRENT), (S.CLOSED_NOT_NOTIFIABLE, TO_COME)]

# Each demo case's path, written out from the demo data's story (cspr/demo/data/cases.toml).
PATHS: dict[str, dict[str, list[tuple[Stage, str]]]] = {
    "NVALE-2026-001": {"appendix_1": NOT_NOTIFIABLE},
    "NVALE-2026-002": {
        "appendix_1": [(S.NOTIFICATION_ASSESSED, DONE), (S.NOT_NOTIFIABLE, DONE), (S.CLOSED_NOT_NOTIFIABLE, CURRENT)]
    },
    "NVALE-2026-003": {
        "appendix_1": [(S.NOTIFICATION_ASSESSED, DONE), (S.RAPID_REVIEW, CURRENT)]
        + [(stage, TO_COME) for stage, _ in TO_THE_PANEL[2:]],
        **STILL_TO_COME,
    },
    "NVALE-2026-004": {
        "appendix_1": [(S.REFERRAL_RECEIVED, CURRENT), (S.NOTIFICATION_ASSESSED, TO_COME)]
        + [(stage, TO_COME) for stage, _ in TO_THE_PANEL[1:]],
        **STILL_TO_COME,
    },
    "NVALE-2026-005": {
        "appendix_1": [(S.NOTIFICATION_ASSESSED, CURRENT)] + [(stage, TO_COME) for stage, _ in TO_THE_PANEL[1:]],
        **STILL_TO_COME,
    },
    "NVALE-2026-006": {"appendix_1": [(S.NOTIFICATION_ASSESSED, DONE), (S.WITHDRAWN, CURRENT)]},
    "NVALE-2026-007": {"appendix_1": NOT_NOTIFIABLE},  # closed, then reopened: back where it was
    "NVALE-2026-008": {
        "appendix_1": [(S.NOTIFICATION_ASSESSED, DONE), (S.RAPID_REVIEW, DONE), (S.CLOSED_CRITERIA_NOT_MET, CURRENT)]
    },
    "NVALE-2026-009": {
        "appendix_1": [*TO_THE_PANEL, (S.NO_FURTHER_REVIEW, CURRENT)],
        "learning": STILL_TO_COME["learning"],
    },
    "NVALE-2026-010": {
        "appendix_1": [*TO_THE_PANEL, (S.NO_FURTHER_REVIEW, DONE)],
        "learning": [(S.LEARNING_AND_ACTIONS, DONE), (S.CLOSED, CURRENT)],
    },
    "NVALE-2026-011": {
        "appendix_1": TO_THE_PANEL,
        "national_review": [(S.NATIONAL_REVIEW, CURRENT)],
        "learning": STILL_TO_COME["learning"],
    },
    "NVALE-2026-012": {
        "appendix_1": TO_THE_PANEL,
        "national_review": [(S.NATIONAL_REVIEW, DONE)],
        "learning": [(S.LEARNING_AND_ACTIONS, DONE), (S.CLOSED, CURRENT)],
    },
}


def drawn(case: Case) -> dict[str, list[tuple[Stage, str]]]:
    return {part.section.key: [(step.stage, step.state.value) for step in part.steps] for part in case_path(case=case)}


@pytest.mark.parametrize("reference", list(PATHS))
def test_each_demo_case_shows_the_way_it_went(demo: dict[str, Partnership], reference: str) -> None:
    case = Case.objects.get(reference=reference)
    assert drawn(case) == PATHS[reference]
    assert list(drawn(case)) == list(PATHS[reference])  # the flowcharts in order too


@pytest.mark.parametrize("reference", list(PATHS))
def test_the_case_page_reads_the_same_path_with_the_case(demo: dict[str, Partnership], reference: str) -> None:
    case = Case.objects.get(reference=reference)
    scope = scope_for(case.created_by)
    marked = case_get(
        scope=scope, partnership_id=case.partnership_id, reference=reference, annotations=case_page_annotations()
    )
    assert marked is not None
    assert drawn(case_for_page(marked)) == PATHS[reference]


def where_the_case_is(client_as: ClientAs, reference: str) -> str:
    page = client_as("business.unit@example.org").get(f"/cases/{reference}/").content.decode()
    aside = page[page.index('id="path"') : page.index("What comes next")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", aside)).split())


def test_a_case_closed_after_a_national_review_says_so_on_its_overview(client_as: ClientAs) -> None:
    text = where_the_case_is(client_as, "NVALE-2026-012")
    assert "National review, led by the Panel (§8.5-8.7) National review done" in text
    assert "Closed ( current stage )" in text
    assert "Published" not in text
    assert "to come" not in text


def test_a_case_closed_as_not_notifiable_has_its_closing_stage_current(client_as: ClientAs) -> None:
    text = where_the_case_is(client_as, "NVALE-2026-002")
    assert text.endswith("Not notifiable done Closed: not notifiable ( current stage )")
    assert "Rapid review" not in text
