"""The rapid review record, section by section: each saved as a draft, whatever its completeness, and never over a
version saved since the page was opened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.accounts.models import User
from cspr.cases.models import Case, Child
from cspr.domain.criteria import NATIONAL_REVIEW_CIRCUMSTANCES, NATIONAL_REVIEW_CRITERIA
from cspr.domain.rapid_review import JUDGED_CRITERIA, Judgement, Section
from cspr.kernel.acting import Acting
from cspr.kernel.edits import EditStamp, check_not_stale
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, inserted, now, person
from cspr.rapid_reviews.models import (
    AgencyOmission,
    ChildSafeguarding,
    CriterionJudgement,
    LearningAction,
    PrgDecision,
    RapidReview,
)
from cspr.rapid_reviews.outline import (
    outline_actions,
    outline_agencies,
    outline_arrangements,
    outline_judgements,
    outline_texts,
)
from cspr.rapid_reviews.services.common import (
    TEXTS,
    UNKNOWN_ORGANISATION,
    allowed,
    case_locked_at_rapid_review,
    partnership_organisation_ids,
    review_for_update,
)

RECORD_LOCKED = "The PRG has recorded its decision: the rapid review record can no longer be changed."
UNKNOWN_SECTION = "There is no part of the rapid review called '{section}'."
UNKNOWN_CHILD = "That child is not part of this case."

NATIONAL_CODES = frozenset(item.code for item in NATIONAL_REVIEW_CRITERIA + NATIONAL_REVIEW_CIRCUMSTANCES)
JUDGED_CODES = frozenset(item.code for item in JUDGED_CRITERIA)


def section_stamp(review: RapidReview | None, section: str) -> EditStamp:
    """The section's current version, and who saved it last and when (version 0: never saved)."""
    entry = (review.section_versions if review is not None else {}).get(section) or {}
    version = int(entry.get("version", 0))
    if not version:
        return EditStamp(version=0)
    saved_by = User.objects.filter(pk=int(entry.get("by") or 0)).only("full_name", "email").first()
    return EditStamp(
        version=version,
        by=(saved_by.full_name or saved_by.email) if saved_by else "",
        at=datetime.fromisoformat(entry["at"]) if entry.get("at") else None,
    )


@dataclass(frozen=True)
class ActionInput:
    what: str
    owner_organisation_id: int | None
    due_on: date | None


def rapid_review_section_save(
    *,
    acting: Acting,
    case: Case,
    section: str,
    values: Mapping[str, Any],
    opened_version: int | None = None,
    at: datetime | None = None,
) -> RapidReview:
    """Save one section of the record as a draft, whatever its completeness (the check says what is missing).

    ``opened_version`` is the section's version the page showed (:func:`section_stamp`); when somebody has saved
    the section since, :class:`cspr.kernel.edits.StaleEdit` is raised and nothing is written. ``None`` skips the
    check (callers that are not a person's form).

    ``values`` by section: ``safeguarding``: ``arrangements`` {child id: text}; ``facts``: ``facts_summary``,
    ``key_practice_episodes``, ``equality_analysis``; ``criteria``: ``judgements`` {code: (judgement, reason)};
    ``decisions``: ``local_decision``, ``local_grounds``, ``national_recommendation``, ``national_criteria``,
    ``national_reasons``, ``further_learning``, ``no_further_learning``; ``learning``: ``immediate_learning``,
    ``actions`` [ActionInput]; ``agencies``: ``involved`` [organisation id], ``omissions`` {organisation id: text}.
    """
    grant = allowed(acting, "rapid_reviews.edit", case)
    try:
        part = Section(section)
    except ValueError:
        raise CaseActionRefused(UNKNOWN_SECTION.format(section=str(section)[:40])) from None
    at = now(at)
    with transaction.atomic():
        case = case_locked_at_rapid_review(case)
        review = review_for_update(case, acting=acting, at=at)
        if PrgDecision.objects.filter(review=review).exists():
            raise CaseActionRefused(RECORD_LOCKED)
        current = section_stamp(review, part.value)
        check_not_stale(what=f"'{part.heading}'", opened=opened_version, current=current)
        _SAVERS[part](review, case, values, acting, at)
        saved = set(review.sections_saved) | {part.value}
        review.sections_saved = sorted(saved)
        review.section_versions = {
            **review.section_versions,
            part.value: {"version": current.version + 1, "by": acting.user_id, "at": at.isoformat()},
        }
        review.updated_by = person(acting)
        review.updated_at = at
        review.save()
        audit_case(acting, "rapid_review.section_saved", case, grant=grant, section=part.value)
    return review


def _save_safeguarding(
    review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime
) -> None:
    children = {child.pk: child for child in Child.objects.filter(case=case)}
    saved = {}
    for child_id, text in dict(values.get("arrangements", {})).items():
        if int(child_id) not in children:
            raise CaseActionRefused(UNKNOWN_CHILD)
        row = ChildSafeguarding.objects.filter(review=review, child_id=int(child_id)).first()
        if row is None:
            row = ChildSafeguarding(review=review, child_id=int(child_id))
        saved[int(child_id)] = TEXTS.clean("arrangements", text, field=f"arrangements_{child_id}")
        row.seal("arrangements", saved[int(child_id)])
        row.save()
    review.outline = outline_arrangements(review.outline, saved)


def _save_facts(review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime) -> None:
    _save_texts(review, values, ("facts_summary", "key_practice_episodes", "equality_analysis"))


def _save_texts(review: RapidReview, values: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Seal those of the record's own texts that ``values`` holds, and measure them for its outline."""
    saved = {name: TEXTS.clean(name, values[name]) for name in names if name in values}
    for name, text in saved.items():
        review.seal(name, text)
    review.outline = outline_texts(review.outline, saved)


def _save_criteria(review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime) -> None:
    choices = {item.value for item in Judgement} | {""}
    saved = {}
    for code, (judgement, reason) in dict(values.get("judgements", {})).items():
        if code not in JUDGED_CODES or judgement not in choices:
            raise CaseActionRefused(UNKNOWN_SECTION.format(section=str(code)[:40]))
        row = CriterionJudgement.objects.filter(review=review, code=code).first() or CriterionJudgement(
            review=review, code=code
        )
        row.judgement = judgement
        saved[code] = (judgement, TEXTS.clean("reason", reason, field=f"reason_{code}"))
        row.seal("reason", saved[code][1])
        row.save()
    review.outline = outline_judgements(review.outline, saved)


def _save_decisions(review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime) -> None:
    if "local_decision" in values:
        review.local_decision = values["local_decision"] if values["local_decision"] in {"yes", "no"} else ""
    if "national_recommendation" in values:
        recommendation = values["national_recommendation"]
        review.national_recommendation = recommendation if recommendation in {"yes", "no", "unclear"} else ""
    if "national_criteria" in values:
        review.national_criteria = sorted(set(values["national_criteria"]) & NATIONAL_CODES)
    _save_texts(review, values, ("local_grounds", "national_reasons", "further_learning", "no_further_learning"))


def _save_learning(review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime) -> None:
    _save_texts(review, values, ("immediate_learning",))
    if "actions" in values:
        organisations = partnership_organisation_ids(case)
        review.actions.all().delete()
        saved = []
        for position, action in enumerate(values["actions"]):
            if action.owner_organisation_id is not None and action.owner_organisation_id not in organisations:
                raise CaseActionRefused(UNKNOWN_ORGANISATION)
            learning_action = LearningAction(
                case=case,
                review=review,
                position=position,
                owner_organisation_id=action.owner_organisation_id,
                due_on=action.due_on,
                created_by=acting.user,
                created_at=at,
            )
            what = TEXTS.clean("actions", action.what)
            learning_action.seal("what", what)
            learning_action.save(force_insert=True)
            saved.append((what, action.owner_organisation_id is not None, action.due_on))
        review.outline = outline_actions(review.outline, saved)


def _save_agencies(review: RapidReview, case: Case, values: Mapping[str, Any], acting: Acting, at: datetime) -> None:
    organisations = partnership_organisation_ids(case)
    involved = {int(value) for value in values.get("involved", [])}
    if not involved <= organisations:
        raise CaseActionRefused(UNKNOWN_ORGANISATION)
    review.agencies_involved.set(sorted(involved))
    omissions = {int(key): TEXTS.clean("omissions", text) for key, text in dict(values.get("omissions", {})).items()}
    if not set(omissions) <= organisations:
        raise CaseActionRefused(UNKNOWN_ORGANISATION)
    AgencyOmission.objects.filter(review=review).delete()
    kept = {
        organisation_id: reason
        for organisation_id, reason in omissions.items()
        if organisation_id not in involved and reason
    }
    for organisation_id, reason in sorted(kept.items()):
        inserted(AgencyOmission(review=review, organisation_id=organisation_id), reason=reason)
    review.outline = outline_agencies(review.outline, involved, kept)


_SAVERS = {
    Section.SAFEGUARDING: _save_safeguarding,
    Section.FACTS: _save_facts,
    Section.CRITERIA: _save_criteria,
    Section.DECISIONS: _save_decisions,
    Section.LEARNING: _save_learning,
    Section.AGENCIES: _save_agencies,
}
