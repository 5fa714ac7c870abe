"""Writes to a case's rapid review. Every service is keyword-only, takes ``acting`` (who is acting, with which
memberships and from where: :class:`cspr.kernel.acting.Acting`), checks the object rule, runs in one transaction and
records an audit event in it with the membership that allowed the action; stage changes go through
``cspr.cases.services.case_advance`` and clocks stop through ``case_clock_met`` in the same transaction.

Audit details and messages carry the case reference, pseudonyms, codes and dates, never the record's text.

The services live in modules by subject; everything public is imported here, so callers write
``from cspr.rapid_reviews.services import meeting_schedule`` whatever module it lives in:

* :mod:`.meetings` — the PRG meeting scheduled and recorded as held;
* :mod:`.record` — the record, section by section;
* :mod:`.decisions` — the PRG's decision, the partners' sign-off and ratification, closing a case that does not
  meet the criteria, telling the family;
* :mod:`.panel` — the rationale, the rapid review and the information sent to the Panel, and its responses;
* :mod:`.documents` — the meeting's papers, and the rapid review opened as a document;
* :mod:`.actions` — the learning actions followed to their end (done, or closed with a reason);
* :mod:`.common` — what they share (messages, the free-text table, the rule check and the membership that allows
  an action, the date checks, the §4.7 notice).
"""

from __future__ import annotations

from cspr.kernel.kit import DATE_IN_FUTURE, NOT_ALLOWED
from cspr.rapid_reviews.services.actions import (
    ACTION_RESOLVED,
    BEFORE_AGREED,
    CASE_CLOSED,
    CLOSED_REASON_NEEDED,
    NOT_AGREED_YET,
    OUTCOME_NEEDED,
    RESOLVED_ON,
    UNKNOWN_ACTION,
    ActionEnding,
    learning_action_resolve,
)
from cspr.rapid_reviews.services.common import (
    CLOSE_CRITERIA_NOT_MET,
    DATE_BEFORE,
    IN_THE_RECORD,
    MEETING_NOT_SCHEDULED,
    NOT_AT_RAPID_REVIEW,
    NOT_RATIFIED,
    PANEL_WAITING,
    PRG_DECISION,
    TEXTS,
    UNKNOWN_ORGANISATION,
)
from cspr.rapid_reviews.services.decisions import (
    ALREADY_SIGNED,
    CLOSE_REASON_NEEDED,
    EXECUTIVE_DECISION_NEEDED,
    INCOMPLETE,
    LEAD_PARTNER_KINDS,
    LEAD_PARTNERS_INCOMPLETE,
    MEETING_NOT_HELD,
    METHOD_OTHER_NEEDED,
    NO_DECISION_YET,
    NOT_A_PARTNER,
    NOT_FOR_THIS_PARTNER,
    NOT_PRG_DECIDED,
    PARTNERS_MISSING,
    RATIONALE_NEEDED,
    TOLD_BY_NEEDED,
    WHAT_SAID_NEEDED,
    criteria_not_met_close,
    family_told_record,
    partner_sign_off,
    prg_decision_record,
    rapid_review_ratify,
)
from cspr.rapid_reviews.services.documents import (
    meeting_paper_attach,
    meeting_paper_download,
    rapid_review_document_open,
)
from cspr.rapid_reviews.services.meetings import (
    ATTENDANCE_EXPLANATION,
    ATTENDANCE_MISSING,
    MEETING_ALREADY_HELD,
    MEETING_BEFORE_NOTIFIED,
    MEETING_LATE_REASON,
    MEETING_WHERE_NEEDED,
    MINUTES_NEEDED,
    AttendanceInput,
    meeting_held_record,
    meeting_schedule,
)
from cspr.rapid_reviews.services.panel import (
    DETAILS_NEEDED,
    INFORMATION_DUE_NEEDED,
    NO_DISAGREEMENT,
    RATIONALE_ALREADY_SENT,
    RESPONSE_NOT_NOW,
    RESPONSE_TRANSITIONS,
    RESPONSES_NEEDING_DETAILS,
    UNKNOWN_RESPONSE,
    panel_response_record,
    panel_submission_record,
    rationale_sent_record,
)
from cspr.rapid_reviews.services.record import (
    JUDGED_CODES,
    NATIONAL_CODES,
    RECORD_LOCKED,
    UNKNOWN_CHILD,
    UNKNOWN_SECTION,
    ActionInput,
    rapid_review_section_save,
    section_stamp,
)

__all__ = [
    "ACTION_RESOLVED",
    "ALREADY_SIGNED",
    "ATTENDANCE_EXPLANATION",
    "ATTENDANCE_MISSING",
    "BEFORE_AGREED",
    "CASE_CLOSED",
    "CLOSED_REASON_NEEDED",
    "CLOSE_CRITERIA_NOT_MET",
    "CLOSE_REASON_NEEDED",
    "DATE_BEFORE",
    "DATE_IN_FUTURE",
    "DETAILS_NEEDED",
    "EXECUTIVE_DECISION_NEEDED",
    "INCOMPLETE",
    "INFORMATION_DUE_NEEDED",
    "IN_THE_RECORD",
    "JUDGED_CODES",
    "LEAD_PARTNERS_INCOMPLETE",
    "LEAD_PARTNER_KINDS",
    "MEETING_ALREADY_HELD",
    "MEETING_BEFORE_NOTIFIED",
    "MEETING_LATE_REASON",
    "MEETING_NOT_HELD",
    "MEETING_NOT_SCHEDULED",
    "MEETING_WHERE_NEEDED",
    "METHOD_OTHER_NEEDED",
    "MINUTES_NEEDED",
    "NATIONAL_CODES",
    "NOT_AGREED_YET",
    "NOT_ALLOWED",
    "NOT_AT_RAPID_REVIEW",
    "NOT_A_PARTNER",
    "NOT_FOR_THIS_PARTNER",
    "NOT_PRG_DECIDED",
    "NOT_RATIFIED",
    "NO_DECISION_YET",
    "NO_DISAGREEMENT",
    "OUTCOME_NEEDED",
    "PANEL_WAITING",
    "PARTNERS_MISSING",
    "PRG_DECISION",
    "RATIONALE_ALREADY_SENT",
    "RATIONALE_NEEDED",
    "RECORD_LOCKED",
    "RESOLVED_ON",
    "RESPONSES_NEEDING_DETAILS",
    "RESPONSE_NOT_NOW",
    "RESPONSE_TRANSITIONS",
    "TEXTS",
    "TOLD_BY_NEEDED",
    "UNKNOWN_ACTION",
    "UNKNOWN_CHILD",
    "UNKNOWN_ORGANISATION",
    "UNKNOWN_RESPONSE",
    "UNKNOWN_SECTION",
    "WHAT_SAID_NEEDED",
    "ActionEnding",
    "ActionInput",
    "AttendanceInput",
    "criteria_not_met_close",
    "family_told_record",
    "learning_action_resolve",
    "meeting_held_record",
    "meeting_paper_attach",
    "meeting_paper_download",
    "meeting_schedule",
    "panel_response_record",
    "panel_submission_record",
    "partner_sign_off",
    "prg_decision_record",
    "rapid_review_document_open",
    "rapid_review_ratify",
    "rapid_review_section_save",
    "rationale_sent_record",
    "section_stamp",
]
