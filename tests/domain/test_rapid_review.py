"""The rapid review's completeness rules: every §4.3 item, in plain words, with "too thin" measured fairly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cspr.domain.rapid_review import (
    JUDGED_CRITERIA,
    MIN_REASON,
    MIN_SUMMARY,
    ActionDraft,
    AgencyDraft,
    ChildArrangement,
    RapidReviewDraft,
    Section,
    check_rapid_review,
    text_length,
)
from tests.domain.support import PROPERTY

REASON = "x" * MIN_REASON
COMPLETE = RapidReviewDraft(
    children=(ChildArrangement("Child A", "Living with grandparents under a plan."),),
    facts_summary="f" * MIN_SUMMARY,
    judgements={criterion.code: ("met", REASON) for criterion in JUDGED_CRITERIA},
    local_decision="yes",
    local_grounds=REASON,
    national_recommendation="no",
    national_reasons=REASON,
    further_learning=REASON,
    immediate_learning=REASON,
    actions=(ActionDraft(what=REASON, has_owner=True, due_on=date(2027, 1, 1)),),
    statutory_agencies=(AgencyDraft("Police", True), AgencyDraft("Fire", False, "No contact with the family at all.")),
)


def messages(draft: RapidReviewDraft) -> list[str]:
    return [problem.message for problem in check_rapid_review(draft).problems]


def test_a_complete_record_passes_the_check() -> None:
    assert check_rapid_review(COMPLETE).complete
    assert all(check_rapid_review(COMPLETE).section_complete(section) for section in Section)


def test_an_empty_record_lists_every_item_as_missing_in_the_order_of_the_record() -> None:
    check = check_rapid_review(RapidReviewDraft(children=(ChildArrangement("Child A", ""),)))
    assert not check.complete
    sections = [problem.section for problem in check.problems]
    assert sections == sorted(sections, key=list(Section).index)
    assert set(sections) == set(Section)
    assert "Immediate safeguarding arrangements for Child A are missing." in messages(
        RapidReviewDraft(children=(ChildArrangement("Child A", ""),))
    )


def test_a_reason_under_twenty_characters_is_too_thin() -> None:
    draft = replace(COMPLETE, local_grounds="Because.")
    assert messages(draft) == ["The grounds for the decision on a local review are too thin (at least 20 characters)."]


def test_padding_a_reason_with_spaces_does_not_make_it_long_enough() -> None:
    draft = replace(COMPLETE, national_reasons="no    " + " " * 30 + "\n\n\nreason")
    assert "too thin" in messages(draft)[0]


def test_each_child_needs_its_own_arrangements_by_pseudonym() -> None:
    draft = replace(COMPLETE, children=(*COMPLETE.children, ChildArrangement("Child B", "")))
    assert messages(draft) == ["Immediate safeguarding arrangements for Child B are missing."]


def test_every_criterion_needs_a_judgement_and_a_reason() -> None:
    judgements = dict(COMPLETE.judgements)
    judgements["recurrent_themes"] = ("", "")
    found = messages(replace(COMPLETE, judgements=judgements))
    assert len(found) == 2
    assert all("§5.4" in message for message in found)


def test_no_local_review_needs_the_reason_no_further_learning_is_expected() -> None:
    draft = replace(COMPLETE, local_decision="no")
    assert messages(draft) == ["There is to be no local review: say why no further learning is expected."]
    assert check_rapid_review(replace(draft, no_further_learning=REASON)).complete


def test_practice_episodes_and_equality_are_required_only_where_the_preset_says() -> None:
    assert check_rapid_review(COMPLETE).complete
    required = replace(COMPLETE, practice_and_equality_required=True)
    assert [problem.field for problem in check_rapid_review(required).problems] == [
        "key_practice_episodes",
        "equality_analysis",
    ]


def test_a_statutory_agency_not_involved_must_be_explained() -> None:
    draft = replace(COMPLETE, statutory_agencies=(AgencyDraft("Police", True), AgencyDraft("Probation", False)))
    assert messages(draft) == ["Probation is a statutory agency but was not involved: explain why."]


def test_learning_needs_an_action_with_an_owner_and_a_due_date() -> None:
    assert messages(replace(COMPLETE, actions=())) == [
        "Add at least one action to share the learning (what, who, by when)."
    ]
    half = ActionDraft(what=REASON, has_owner=False, due_on=None)
    assert messages(replace(COMPLETE, actions=(half,))) == [
        "Action 1: choose the organisation that owns it.",
        "Action 1: give a due date.",
    ]


@PROPERTY
@given(text=st.text(max_size=60))
def test_text_length_ignores_runs_of_white_space(text: str) -> None:
    assert text_length(text) <= len(text)
    assert text_length(text + "   \n\t ") == text_length(text)


@PROPERTY
@given(grounds=st.text(max_size=80))
def test_grounds_pass_exactly_when_they_have_enough_characters_that_count(grounds: str) -> None:
    check = check_rapid_review(replace(COMPLETE, local_grounds=grounds))
    assert check.complete == (text_length(grounds) >= MIN_REASON)


@PROPERTY
@given(
    blanked=st.sets(
        st.sampled_from(
            ["facts_summary", "local_grounds", "national_reasons", "further_learning", "immediate_learning"]
        )
    )
)
def test_each_blank_item_is_reported_once_and_the_rest_stay_complete(blanked: set[str]) -> None:
    draft = replace(COMPLETE, **dict.fromkeys(blanked, ""))  # type: ignore[arg-type]
    fields = [problem.field for problem in check_rapid_review(draft).problems]
    assert sorted(fields) == sorted(blanked)


def test_recommending_a_national_review_needs_the_panels_criteria_it_meets() -> None:
    recommended = replace(COMPLETE, national_recommendation="yes")
    assert messages(recommended) == [
        "A national review is recommended: say which of the Panel's criteria (§8.2-8.3) the case meets."
    ]
    assert messages(replace(recommended, national_criteria=("recurrent_themes",))) == []
    assert messages(replace(COMPLETE, national_recommendation="unclear")) == []
