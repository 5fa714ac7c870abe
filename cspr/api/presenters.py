"""Cases and clocks as the API shows them: pseudonyms, stages, dates and rules; never identifying details."""

from __future__ import annotations

from typing import Any

from cspr.cases.models import Case, FamilyTold
from cspr.cases.selectors import ClockRow, FamilyToTell
from cspr.domain.clocks import ClockStatus
from cspr.domain.presets import Preset
from cspr.domain.rules import is_closed

__all__ = ["case_detail", "case_summary", "clocks"]


def case_summary(case: Case, *, location: str, web: str) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "stage": case.stage,
        "stage_label": case.stage_label,
        "open": not is_closed(case.stage),
        "kind": "referral" if case.as_referral else "notification",
        "year": case.year,
        "submitted_at": case.submitted_at,
        "pseudonyms": [child.pseudonym for child in case.children.all()],
        "key_dates": {
            "incident": case.incident_on,
            "aware": case.aware_on,
            "notified": case.notified_on,
            "panel_notified": case.panel_notified_on,
            "decision": case.decision_on,
            "planned_publication": case.planned_publication_on,
            "published": case.published_on,
        },
        "links": {"self": location, "clocks": f"{location}/clocks", "web": web},
    }


_ASSESSMENT_KEYS = (
    "notifiable_to_panel",
    "panel_reason",
    "rapid_review_follows",
    "rapid_review_reason",
    "needs_more_information",
)


def _assessment(case: Case) -> dict[str, Any] | None:
    assessment = case.assessment or {}
    if not all(key in assessment for key in _ASSESSMENT_KEYS):
        return None
    return {
        **{key: assessment[key] for key in _ASSESSMENT_KEYS},
        "duties": [
            {
                "kind": str(duty.get("kind", "")),
                "reason": str(duty.get("reason", "")),
                "section": str(duty.get("section", "")),
                "clock_ids": [str(clock_id) for clock_id in duty.get("clock_ids", [])],
            }
            for duty in assessment.get("duties", [])
        ],
    }


def case_detail(case: Case, *, location: str, web: str) -> dict[str, Any]:
    return {
        **case_summary(case, location=location, web=web),
        "preset": case.preset,
        "nature": case.nature,
        "location": case.location,
        "abuse_or_neglect": case.abuse_or_neglect,
        "media_interest": case.media_interest,
        "children": [
            {
                "pseudonym": child.pseudonym,
                "age_years": child.age_years,
                "sex": child.sex,
                "unborn": child.unborn,
                "not_yet_identified": child.not_yet_identified,
                "looked_after": child.looked_after,
                "child_protection_plan": child.child_protection_plan,
                "child_in_need": child.child_in_need,
                "care_leaver": child.care_leaver,
            }
            for child in case.children.all()
        ],
        "involved_organisations": sorted(organisation.name for organisation in case.involved_organisations.all()),
        "assessment": _assessment(case),
    }


def family(*, told: list[FamilyTold], to_tell: FamilyToTell | None) -> dict[str, Any]:
    """Telling the family on every path (§5.3, §8.6): each record that they were told, and what is still to tell."""
    return {
        "told": [{"decision": row.decision, "told_on": row.told_on, "method": row.method} for row in told],
        "to_tell": None
        if to_tell is None
        else {"decision": to_tell.decision.value, "since": to_tell.since, "reason_recorded": to_tell.waiting},
    }


def clocks(*, preset: Preset, rows: list[ClockRow]) -> list[dict[str, Any]]:
    """Every clock of the preset in its order: the case's own reading where started, "not started" otherwise."""
    by_id = {row.clock_id: row for row in rows}
    result = []
    for rule in preset.rules:
        row = by_id.get(rule.clock_id)
        result.append(
            {
                "clock_id": rule.clock_id,
                "title": row.title if row else rule.title,
                "starts_at": rule.starts_at.value,
                "start_date": row.start if row else None,
                "due": row.effective_due if row else None,
                "extended": bool(row and row.extended_to),
                "rule": row.sentence if row else rule.sentence,
                "section": row.section if row else rule.section,
                "statutory": rule.is_statutory,
                "basis": rule.basis.value,
                "status": (row.status if row else ClockStatus.NOT_STARTED).value,
                "status_label": row.status_label if row else ClockStatus.NOT_STARTED.label,
                "met_on": row.met_on if row else None,
                "working_days_left": row.working_days_left if row and row.is_open else None,
                "applicable": row.applicable if row else True,
                "provisional": row.provisional if row else False,
                "note": row.status_note if row else "",
            }
        )
    return result
