"""Writes to cases. Every service is keyword-only, takes ``acting`` (who is acting, with which memberships and from
where: :class:`cspr.kernel.acting.Acting`), is atomic and audited; messages go through the outbox.

Messages and audit details carry the case reference, pseudonyms and a link, never a child's or family member's
identifying details. Dates are calendar dates in Europe/London; "now" and "today" are parameters that default from
``django.utils.timezone`` (tests move time with time-machine).

The services live in modules by subject; everything public is imported here, so callers write
``from cspr.cases.services import notification_submit`` whatever module it lives in:

* :mod:`.notification` — a new case from a notification or a referral, and its reference;
* :mod:`.decisions` — the local authority's decision on notifying the Panel, and the duties done;
* :mod:`.routing` — moving a case through the lifecycle table (routing here, later stages for other apps);
* :mod:`.clocks` — the case's clocks worked out, met and extended;
* :mod:`.documents` — a case's documents kept and opened;
* :mod:`.identifying` — identifying details shown for a purpose, and re-sealed under the newest key;
* :mod:`.links` — links between cases and possible duplicates;
* :mod:`.processes` — the register of parallel processes and the liaison with them;
* :mod:`.family` — telling the family each decision, or why not yet;
* :mod:`.access` — one person's access to one case beyond their role (the commissioned reviewer's);
* :mod:`.common` — what they share (the free-text table, the rule check, the membership that allows an action).
"""

from __future__ import annotations

from cspr.cases.services.access import (
    ACCESS_ACCOUNT_READY,
    ACCESS_END_FUTURE,
    ACCESS_ENDED,
    ACCESS_NOBODY,
    ACCESS_NOT_FOUND,
    ACCESS_NOT_OPEN_STAGE,
    case_access_end,
    case_access_ends_on_set,
    case_access_grant,
    case_access_invited_again,
    case_organisations_involve,
)
from cspr.cases.services.clocks import (
    CLOCK_LATE_REASON,
    CLOCK_NOT_OPEN,
    EXTENSION_BEYOND_CALENDAR,
    EXTENSION_NOT_LATER,
    EXTENSION_REASON_NEEDED,
    UNKNOWN_CLOCK,
    case_clock_met,
    clock_extension_record,
)
from cspr.cases.services.common import DATE_BEFORE_AWARE, TEXTS, case_locked
from cspr.cases.services.decisions import (
    CASE_CLOSED,
    DUTY_ALREADY_RECORDED,
    DUTY_LATE_REASON,
    DUTY_NOT_APPLICABLE,
    LA_DECISION_FIRST,
    LA_DECISION_NOT_ALLOWED,
    LA_OFFICER_NEEDED,
    OTHER_AREA_NEEDED,
    PANEL_NOT_NOTIFIED_BY_LA,
    PANEL_REFERENCE_NEEDED,
    REASON_NEEDED,
    duty_record,
    la_decision_record,
)
from cspr.cases.services.documents import (
    CaseFileKind,
    case_file_kept,
    case_file_open,
    document_attach,
    document_download,
    documents_adopt,
)
from cspr.cases.services.family import (
    FAMILY_METHOD_NEEDED,
    FAMILY_METHOD_OTHER_NEEDED,
    FAMILY_MIN_WORDS,
    FAMILY_NOT_YET_REASON_NEEDED,
    FAMILY_NOTHING_TO_TELL,
    FAMILY_TOLD_BY_NEEDED,
    FAMILY_WHAT_SAID_NEEDED,
    family_not_yet_told_record,
    family_told_record,
)
from cspr.cases.services.identifying import (
    IDENTIFYING_PURPOSES,
    PURPOSE_LABELS,
    PURPOSE_NEEDED,
    PURPOSE_OTHER_NEEDED,
    ChildIdentity,
    HouseholdIdentity,
    IdentifyingDetails,
    identifying_details_reseal,
    identifying_details_view,
)
from cspr.cases.services.links import LINK_EXISTS, LINK_NOT_FOUND, LINK_SELF, case_link, case_link_dismiss
from cspr.cases.services.notification import (
    NOT_A_NOTIFIER,
    NOT_AN_AGENCY_MEMBER,
    NotificationInvalid,
    NotificationRefused,
    notification_submit,
    reference_allocate,
    submitting_grant,
)
from cspr.cases.services.processes import (
    parallel_process_add,
    parallel_process_change,
    parallel_process_liaison_record,
    process_stamp,
)
from cspr.cases.services.routing import ROUTES, UNKNOWN_ROUTE, case_advance, case_facts, case_route
from cspr.cases.services.transitions import TRANSITION_SERVICES, makes_transitions
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import DATE_IN_FUTURE, NOT_ALLOWED

__all__ = [
    "ACCESS_ACCOUNT_READY",
    "ACCESS_ENDED",
    "ACCESS_END_FUTURE",
    "ACCESS_NOBODY",
    "ACCESS_NOT_FOUND",
    "ACCESS_NOT_OPEN_STAGE",
    "CASE_CLOSED",
    "CLOCK_LATE_REASON",
    "CLOCK_NOT_OPEN",
    "DATE_BEFORE_AWARE",
    "DATE_IN_FUTURE",
    "DUTY_ALREADY_RECORDED",
    "DUTY_LATE_REASON",
    "DUTY_NOT_APPLICABLE",
    "EXTENSION_BEYOND_CALENDAR",
    "EXTENSION_NOT_LATER",
    "EXTENSION_REASON_NEEDED",
    "FAMILY_METHOD_NEEDED",
    "FAMILY_METHOD_OTHER_NEEDED",
    "FAMILY_MIN_WORDS",
    "FAMILY_NOTHING_TO_TELL",
    "FAMILY_NOT_YET_REASON_NEEDED",
    "FAMILY_TOLD_BY_NEEDED",
    "FAMILY_WHAT_SAID_NEEDED",
    "IDENTIFYING_PURPOSES",
    "LA_DECISION_FIRST",
    "LA_DECISION_NOT_ALLOWED",
    "LA_OFFICER_NEEDED",
    "LINK_EXISTS",
    "LINK_NOT_FOUND",
    "LINK_SELF",
    "NOT_ALLOWED",
    "NOT_AN_AGENCY_MEMBER",
    "NOT_A_NOTIFIER",
    "OTHER_AREA_NEEDED",
    "PANEL_NOT_NOTIFIED_BY_LA",
    "PANEL_REFERENCE_NEEDED",
    "PURPOSE_LABELS",
    "PURPOSE_NEEDED",
    "PURPOSE_OTHER_NEEDED",
    "REASON_NEEDED",
    "ROUTES",
    "TEXTS",
    "TRANSITION_SERVICES",
    "UNKNOWN_CLOCK",
    "UNKNOWN_ROUTE",
    "CaseActionRefused",
    "CaseFileKind",
    "ChildIdentity",
    "HouseholdIdentity",
    "IdentifyingDetails",
    "NotificationInvalid",
    "NotificationRefused",
    "case_access_end",
    "case_access_ends_on_set",
    "case_access_grant",
    "case_access_invited_again",
    "case_advance",
    "case_clock_met",
    "case_facts",
    "case_file_kept",
    "case_file_open",
    "case_link",
    "case_link_dismiss",
    "case_locked",
    "case_organisations_involve",
    "case_route",
    "clock_extension_record",
    "document_attach",
    "document_download",
    "documents_adopt",
    "duty_record",
    "family_not_yet_told_record",
    "family_told_record",
    "identifying_details_reseal",
    "identifying_details_view",
    "la_decision_record",
    "makes_transitions",
    "notification_submit",
    "parallel_process_add",
    "parallel_process_change",
    "parallel_process_liaison_record",
    "process_stamp",
    "reference_allocate",
    "submitting_grant",
]
