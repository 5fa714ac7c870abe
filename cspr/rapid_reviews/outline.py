"""What the completeness check needs of a rapid review record, without its words (ADR 0009).

The record's texts are sealed. The pages that say how complete the record is (the case page, the rapid review's
overview, the API) would otherwise unseal every text just to measure it, and each of those reads would be audited as
someone reading the record. So the record keeps an outline beside its sealed texts, written in the same transaction
as they are: the length of each text as the rules count it (:func:`cspr.domain.rapid_review.text_length`), the
judgements, the agencies involved and the actions' owners and dates. Ids, codes, numbers and dates only: nothing a
person typed.

The check then runs on the outline and the case as it is now: a child added after the arrangements were written has
none yet; an agency that became statutory since needs a reason.

Keys (JSON keys are strings): each name of :data:`TEXT_FIELDS`: its length; ``arrangements``: {child id: length};
``judgements``: {criterion code: [judgement, reason length]}; ``actions``: [[what length, has an owner, due date
(ISO) or null]]; ``involved``: [organisation id]; ``omissions``: {organisation id: length}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from cspr.domain.rapid_review import (
    ActionDraft,
    AgencyDraft,
    ChildArrangement,
    RapidReviewDraft,
    text_length,
)

TEXT_FIELDS = (
    "facts_summary",
    "key_practice_episodes",
    "equality_analysis",
    "local_grounds",
    "national_reasons",
    "further_learning",
    "no_further_learning",
    "immediate_learning",
)
"""The record's own sealed texts that the completeness rules measure."""

Outline = dict[str, Any]


def outline_texts(outline: Mapping[str, Any], texts: Mapping[str, str]) -> Outline:
    """The outline with these texts of the record (by name, as saved) measured again."""
    return {**outline, **{name: text_length(texts[name]) for name in TEXT_FIELDS if name in texts}}


def outline_arrangements(outline: Mapping[str, Any], arrangements: Mapping[int, str]) -> Outline:
    """The outline with these children's arrangements (by child id, as saved) measured again; others are kept."""
    kept = dict(outline.get("arrangements", {}))
    kept.update({str(child_id): text_length(text) for child_id, text in arrangements.items()})
    return {**outline, "arrangements": kept}


def outline_judgements(outline: Mapping[str, Any], judgements: Mapping[str, tuple[str, str]]) -> Outline:
    """The outline with these criteria's judgements (code: judgement and reason, as saved); others are kept."""
    kept = dict(outline.get("judgements", {}))
    kept.update({code: [judgement, text_length(reason)] for code, (judgement, reason) in judgements.items()})
    return {**outline, "judgements": kept}


def outline_actions(outline: Mapping[str, Any], actions: Iterable[tuple[str, bool, date | None]]) -> Outline:
    """The outline with the record's actions (what, whether it has an owner, due date), all of them, in order."""
    rows = [
        [text_length(what), has_owner, due_on.isoformat() if due_on else None] for what, has_owner, due_on in actions
    ]
    return {**outline, "actions": rows}


def outline_agencies(outline: Mapping[str, Any], involved: Iterable[int], omissions: Mapping[int, str]) -> Outline:
    """The outline with the agencies involved and the reasons others were not (all of them, as saved)."""
    return {
        **outline,
        "involved": sorted(involved),
        "omissions": {str(organisation_id): text_length(reason) for organisation_id, reason in omissions.items()},
    }


def outline_draft(
    outline: Mapping[str, Any],
    *,
    children: Sequence[tuple[int, str]],
    statutory_agencies: Sequence[tuple[int, str]],
    practice_and_equality_required: bool,
    local_decision: str = "",
    national_recommendation: str = "",
    national_criteria: Sequence[str] = (),
) -> RapidReviewDraft:
    """The draft the completeness rules check: the outline's lengths, the case's children (id, pseudonym) and the
    partnership's statutory agencies (id, name) as they are now, and the record's plain answers."""
    arrangements = outline.get("arrangements", {})
    involved = {int(organisation_id) for organisation_id in outline.get("involved", [])}
    omissions = outline.get("omissions", {})
    statutory_ids = {organisation_id for organisation_id, _ in statutory_agencies}
    return RapidReviewDraft(
        children=tuple(
            ChildArrangement(pseudonym, int(arrangements.get(str(child_id), 0))) for child_id, pseudonym in children
        ),
        practice_and_equality_required=practice_and_equality_required,
        judgements={
            code: (str(judgement), int(length)) for code, (judgement, length) in outline.get("judgements", {}).items()
        },
        local_decision=local_decision,
        national_recommendation=national_recommendation,
        national_criteria=tuple(national_criteria),
        actions=tuple(
            ActionDraft(what=int(length), has_owner=bool(has_owner), due_on=date.fromisoformat(due) if due else None)
            for length, has_owner, due in outline.get("actions", [])
        ),
        statutory_agencies=tuple(
            AgencyDraft(
                name=name,
                involved=organisation_id in involved,
                omission_reason=int(omissions.get(str(organisation_id), 0)),
            )
            for organisation_id, name in statutory_agencies
        ),
        other_agencies_involved=len(involved - statutory_ids),
        **{name: int(outline.get(name, 0)) for name in TEXT_FIELDS},
    )
