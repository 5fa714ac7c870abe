"""Who may use which page: one table for every URL pattern in the service.

The access middleware enforces this table before any view runs, and refuses a
URL that is missing from it. Views then check the object itself (a partnership,
later a case) with the ``rules`` predicates. A test walks every URL pattern and
fails when one has no entry here, so a new page cannot ship without a policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspr.domain.lifecycle import transition_roles
from cspr.domain.roles import Role


@dataclass(frozen=True)
class Policy:
    """``public``: no sign-in needed. ``roles=None``: any signed-in person. Otherwise: one of
    ``roles`` in the partnership the person is currently working in."""

    public: bool = False
    roles: frozenset[Role] | None = None
    superuser_only: bool = False
    description: str = ""
    # Reachable after the password but before the second factor (the second-factor pages, sign-out).
    before_second_factor: bool = False
    # The JSON API: a bearer token (never the session cookie) authenticates, as one membership whose role must be
    # in ``roles``; refusals are JSON 401/403 (cspr.api.access). Never public.
    api: bool = False

    def allows(self, *, authenticated: bool, is_superuser: bool, roles_here: frozenset[Role]) -> bool:
        if self.public:
            return True
        if not authenticated:
            return False
        if self.superuser_only:
            return is_superuser
        if self.roles is None:
            return True
        return bool(self.roles & roles_here)


PUBLIC = Policy(public=True, description="anyone, signed in or not")
SIGNED_IN = Policy(description="any signed-in person")
SUPERUSERS = Policy(superuser_only=True, description="superusers only")
SECOND_FACTOR_STEP = Policy(before_second_factor=True, description="signed in, second factor not yet given")


def members(*roles: Role) -> Policy:
    return Policy(roles=frozenset(roles), description=", ".join(role.label for role in roles))


def api_tokens(*roles: Role) -> Policy:
    """An API endpoint: a bearer token whose membership holds one of ``roles``."""
    return Policy(api=True, roles=frozenset(roles), description="API token: " + ", ".join(r.label for r in roles))


EVERY_ROLE = frozenset(Role)
ANY_MEMBER = Policy(roles=EVERY_ROLE, description="any member of the current partnership")

# Role groups shared by the URL table and the object-level rules.
PEOPLE_VIEWERS = frozenset({Role.PARTNERSHIP_ADMIN, Role.BUSINESS_UNIT})
PEOPLE_MANAGERS = frozenset({Role.PARTNERSHIP_ADMIN})
AUDIT_VIEWERS = frozenset({Role.AUDITOR, Role.PARTNERSHIP_ADMIN})
CALENDAR_EDITORS = frozenset({Role.PARTNERSHIP_ADMIN, Role.BUSINESS_UNIT})
PROCEDURE_EDITORS = frozenset({Role.PARTNERSHIP_ADMIN})
MESSAGE_VIEWERS = frozenset({Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN})
# Cases: everyone but the reviewer reaches the case pages, and cspr.cases.selectors.cases_visible narrows agency
# contributors to their organisation's cases. A commissioned reviewer reaches the list and the overview of the case
# they were commissioned for, while their grant is open (cases_visible again), and nothing of the case's record,
# history or documents (docs/reviewers.md says why).
CASE_READERS = EVERY_ROLE - {Role.REVIEWER}
CASE_OVERVIEW_READERS = CASE_READERS | {Role.REVIEWER}
# Groups that take a lifecycle transition are read from the lifecycle table (cspr.domain.lifecycle), never re-listed.
CASE_ROUTERS = transition_roles(
    "assess",
    "start_rapid_review",
    "record_not_notifiable",
    "reassess",
    "withdraw",
    "start_learning_and_actions",
    "close",
    "reopen",
)
# §5.6: whoever the lifecycle table lets choose a discretionary review.
DISCRETIONARY_DECIDERS = transition_roles("choose_discretionary_review")
LA_DECISION_RECORDERS = frozenset({Role.NOTIFIER, Role.BUSINESS_UNIT})
DUTY_RECORDERS = frozenset({Role.BUSINESS_UNIT, Role.NOTIFIER})
EXTENSION_RECORDERS = frozenset({Role.BUSINESS_UNIT})
DOCUMENT_UPLOADERS = frozenset({Role.BUSINESS_UNIT, Role.NOTIFIER, Role.AGENCY_CONTRIBUTOR})
CASE_LINKERS = frozenset({Role.BUSINESS_UNIT})
# Who gives one person access to one case beyond their role (the reviewer, at commissioning) and ends it (ADR 0020).
CASE_ACCESS_GRANTERS = frozenset({Role.BUSINESS_UNIT})
# The register of parallel processes (§8.8, §9): read by the roles that work the case, kept by the business unit.
PROCESS_READERS = frozenset(
    {Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.PRG_MEMBER, Role.INDEPENDENT_CHAIR, Role.EXECUTIVE_MEMBER}
)
PROCESS_RECORDERS = frozenset({Role.BUSINESS_UNIT})
# "Report a serious incident" (cspr.intake.views): the roles that act for an agency. The view then needs an
# organisation in the partnership: a local authority's notifier notifies, anyone else refers (§3.8).
INCIDENT_REPORTERS = frozenset(
    {Role.NOTIFIER, Role.AGENCY_CONTRIBUTOR, Role.PRG_CHAIR, Role.PRG_MEMBER, Role.EXECUTIVE_MEMBER}
)
IDENTIFYING_VIEWERS = frozenset(
    {
        Role.BUSINESS_UNIT,
        Role.NOTIFIER,
        Role.AGENCY_CONTRIBUTOR,
        Role.PRG_CHAIR,
        Role.PRG_MEMBER,
        Role.EXECUTIVE_MEMBER,
        Role.INDEPENDENT_CHAIR,
    }
)
# Information requests and agency returns (cspr.returns, procedure §4.1). The business unit asks and chases; an
# agency's contributors (and its notifiers) answer for their own organisation only; submitted returns and the merged
# chronology are read by the business unit, the PRG and the Independent Chair (contributors see their own).
# Free text typed into a case (reasons, notes, titles: ADR 0009) and the case's documents are for the roles that
# work the case, the same as identifying details (an agency contributor for its organisation's cases only); never
# for the partnership admin or the auditor, who administer and audit.
FREE_TEXT_READERS = IDENTIFYING_VIEWERS
DOCUMENT_READERS = IDENTIFYING_VIEWERS
RETURN_REQUESTERS = frozenset({Role.BUSINESS_UNIT})
RETURN_CONTRIBUTORS = frozenset({Role.AGENCY_CONTRIBUTOR, Role.NOTIFIER})
RETURN_READERS = frozenset({Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.PRG_MEMBER, Role.INDEPENDENT_CHAIR})
CHRONOLOGY_READERS = RETURN_READERS | RETURN_CONTRIBUTORS
ORGANISATION_LEAD_MANAGERS = frozenset({Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN})

# The rapid review (cspr.rapid_reviews; object-level checks in cspr.rapid_reviews.rules).
RAPID_REVIEW_READERS = frozenset(
    {Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.PRG_MEMBER, Role.EXECUTIVE_MEMBER, Role.INDEPENDENT_CHAIR}
)
RAPID_REVIEW_EDITORS = frozenset({Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.PRG_MEMBER})
PRG_DECIDERS = transition_roles("record_prg_decision")
MEETING_ORGANISERS = frozenset({Role.BUSINESS_UNIT, Role.PRG_CHAIR})
# The meeting's papers are for the PRG only (§4.2).
MEETING_PAPER_READERS = frozenset({Role.PRG_CHAIR, Role.PRG_MEMBER, Role.BUSINESS_UNIT, Role.INDEPENDENT_CHAIR})
PARTNER_SIGNERS = transition_roles("ratify")
PANEL_CORRESPONDENTS = transition_roles(
    "submit_to_panel",
    "await_panel",
    "panel_requests_information",
    "provide_information",
    "panel_no_review",
    "panel_local_review",
    "panel_national_review",
)
# Who records that the family was told a decision on the case, or why not yet (§5.3, §8.6), on every path.
FAMILY_RECORDERS = frozenset({Role.BUSINESS_UNIT, Role.PRG_CHAIR})
# Who records that a learning action is done, or closed without being done (§7.10): the business unit tracks them.
ACTION_TRACKERS = frozenset({Role.BUSINESS_UNIT})
CRITERIA_CLOSERS = transition_roles("close_criteria_not_met")
RAPID_REVIEW_IDENTIFYING = RAPID_REVIEW_READERS & IDENTIFYING_VIEWERS
# The Panel's national review (cspr.national_reviews, §8.5-8.7): read by the roles that work the case, as the register
# of parallel processes is; the business unit keeps the partnership's part of it.
NATIONAL_REVIEW_READERS = PROCESS_READERS
NATIONAL_REVIEW_RECORDERS = frozenset({Role.BUSINESS_UNIT})
# Letters (cspr.letters; object-level checks in cspr.letters.rules): the business unit prepares them and records each
# as sent; the chairs and the Executive may read what is due and what went. The partnership admin sets the letterhead.
LETTER_WRITERS = frozenset({Role.BUSINESS_UNIT})
LETTER_READERS = LETTER_WRITERS | {Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR, Role.EXECUTIVE_MEMBER}
LETTERHEAD_EDITORS = frozenset({Role.PARTNERSHIP_ADMIN})
# The register of reviewers and their commissioning (cspr.reviewers, §6.1-6.2): the business unit keeps the register,
# commissions, records invoices and ends the reviewer's access; the Executive Group reads the commissioning and
# overrides a conflict of interest, with a reason.
REVIEWER_REGISTER_KEEPERS = frozenset({Role.BUSINESS_UNIT})
REVIEWER_COMMISSIONERS = transition_roles("commission_reviewer")
CONFLICT_OVERRIDERS = frozenset({Role.EXECUTIVE_MEMBER})
COMMISSION_READERS = REVIEWER_COMMISSIONERS | CONFLICT_OVERRIDERS
# The local review (cspr.local_reviews, §6.1-6.7): read by the roles that work the case; the business unit starts it,
# keeps its terms of reference (agreed for the partnership, §6.3: the lifecycle's start_review is the business unit's),
# its milestones and its checkpoints (§6.7).
# A commissioned reviewer reads their own review (the one scoping function gives them that case only, while their
# access is open); the checkpoints are the business unit's supervision of them and stay with the case's roles.
LOCAL_REVIEW_READERS = PROCESS_READERS | {Role.REVIEWER}
LOCAL_REVIEW_SUPERVISORS = PROCESS_READERS
LOCAL_REVIEW_KEEPERS = transition_roles("start_review")
# The report's drafts (§6.7, §7.1): the commissioned reviewer (through their case access) and the business unit upload
# them (the lifecycle's receive_draft roles), read them and the organisations' comments collated; the business unit
# asks organisations for comments and records that new information suggests a national review (§4.6); an agency's
# contributors read the draft their organisation was asked about and comment for it.
DRAFT_KEEPERS = transition_roles("receive_draft")
COMMENT_REQUESTERS = frozenset({Role.BUSINESS_UNIT})
DRAFT_COMMENTERS = frozenset({Role.AGENCY_CONTRIBUTOR})
NATIONAL_SUGGESTERS = frozenset({Role.BUSINESS_UNIT})
# Practitioners and the family (§6.6) and the thread with the reviewer (§6.7): the business unit and the commissioned
# reviewer (through their grant: cases_visible) record practitioner events and the family's involvement and write to
# each other; the family log is read only by them and the chairs; the explainers are the partnership's wording, kept by
# the business unit and the partnership admin.
PRACTITIONER_EVENT_RECORDERS = frozenset({Role.BUSINESS_UNIT, Role.REVIEWER})
PRACTITIONER_EVENT_READERS = LOCAL_REVIEW_READERS | PRACTITIONER_EVENT_RECORDERS
FAMILY_LOG_WRITERS = frozenset({Role.BUSINESS_UNIT, Role.REVIEWER})
FAMILY_LOG_READERS = FAMILY_LOG_WRITERS | {Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR}
REVIEWER_THREAD_WRITERS = frozenset({Role.BUSINESS_UNIT, Role.REVIEWER})
EXPLAINER_EDITORS = frozenset({Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN})

URL_POLICY: dict[str, Policy] = {
    # Service health and signing in.
    "core:healthz": PUBLIC,
    "accounts:sign-in": PUBLIC,
    "accounts:signed-out": PUBLIC,
    "accounts:sign-out": SECOND_FACTOR_STEP,
    "accounts:timed-out": PUBLIC,
    # A session ended because the person's access to its partnership was removed lands here, signed out.
    "accounts:access-removed": PUBLIC,
    "accounts:password-reset": PUBLIC,
    "accounts:password-reset-sent": PUBLIC,
    "accounts:password-reset-link": PUBLIC,
    "accounts:password-reset-set": PUBLIC,
    "accounts:password-reset-done": PUBLIC,
    # After the password, before the second factor: only these pages (and sign-out).
    "accounts:second-factor": SECOND_FACTOR_STEP,
    "accounts:second-factor-recovery": SECOND_FACTOR_STEP,
    "accounts:second-factor-set-up": SECOND_FACTOR_STEP,
    "accounts:session-status": SECOND_FACTOR_STEP,
    "accounts:session-keep-alive": SECOND_FACTOR_STEP,
    # Signed in with both factors.
    "accounts:account": SIGNED_IN,
    "accounts:recovery-codes": SIGNED_IN,
    "accounts:password-change": SIGNED_IN,
    # Home and the partnership switcher work for a signed-in person with no partnership yet.
    "core:home": SIGNED_IN,
    "partnerships:switch": SIGNED_IN,
    # Partnership pages.
    "partnerships:overview": ANY_MEMBER,
    "partnerships:people": members(*PEOPLE_VIEWERS),
    "partnerships:invite": members(*PEOPLE_MANAGERS),
    "partnerships:membership-change": members(*PEOPLE_MANAGERS),
    "partnerships:membership-disable": members(*PEOPLE_MANAGERS),
    "partnerships:membership-enable": members(*PEOPLE_MANAGERS),
    # The e-mailed link carries a one-time token: whoever holds it may accept.
    "partnerships:invitation-accept": PUBLIC,
    "audit:trail": members(*AUDIT_VIEWERS),
    "calendars:closure-days": ANY_MEMBER,
    "calendars:closure-day-add": members(*CALENDAR_EDITORS),
    "calendars:closure-day-remove": members(*CALENDAR_EDITORS),
    "procedure:overview": ANY_MEMBER,
    "procedure:clock-edit": members(*PROCEDURE_EDITORS),
    "procedure:criterion-edit": members(*PROCEDURE_EDITORS),
    "messaging:undeliverable": members(*MESSAGE_VIEWERS),
    # Django's admin, read only; its site also demands a verified second factor (cspr.web.admin_site).
    "admin:*": SUPERUSERS,
    # Cases (object-level checks in cspr.cases.rules; another partnership's case is a 404).
    "cases:list": members(*CASE_OVERVIEW_READERS),
    "cases:detail": members(*CASE_OVERVIEW_READERS),
    "cases:record": members(*CASE_READERS),
    "cases:history": members(*CASE_READERS),
    "cases:documents": members(*CASE_READERS),
    "cases:document-download": members(*DOCUMENT_READERS),
    "cases:identifying-details": members(*IDENTIFYING_VIEWERS),
    "cases:la-decision": members(*LA_DECISION_RECORDERS),
    "cases:route": members(*CASE_ROUTERS),
    "cases:discretionary-review": members(*DISCRETIONARY_DECIDERS),
    "cases:duty": members(*DUTY_RECORDERS),
    "cases:extension": members(*EXTENSION_RECORDERS),
    "cases:document-upload": members(*DOCUMENT_UPLOADERS),
    "cases:link": members(*CASE_LINKERS),
    "cases:duplicate-dismiss": members(*CASE_LINKERS),
    "cases:processes": members(*PROCESS_READERS),
    "cases:process-add": members(*PROCESS_RECORDERS),
    "cases:process-change": members(*PROCESS_RECORDERS),
    "cases:process-liaison": members(*PROCESS_RECORDERS),
    "cases:family-told": members(*FAMILY_RECORDERS),
    "cases:family-not-yet-told": members(*FAMILY_RECORDERS),
    # Report a serious incident (drafts are the owner's own: anybody else's is a 404).
    "notify:start": members(*INCIDENT_REPORTERS),
    "notify:new": members(*INCIDENT_REPORTERS),
    "notify:drafts": members(*INCIDENT_REPORTERS),
    "notify:resume": members(*INCIDENT_REPORTERS),
    "notify:delete": members(*INCIDENT_REPORTERS),
    "notify:check": members(*INCIDENT_REPORTERS),
    "notify:page": members(*INCIDENT_REPORTERS),
    "notify:child-add": members(*INCIDENT_REPORTERS),
    "notify:child": members(*INCIDENT_REPORTERS),
    "notify:child-remove": members(*INCIDENT_REPORTERS),
    "notify:member-add": members(*INCIDENT_REPORTERS),
    "notify:member": members(*INCIDENT_REPORTERS),
    "notify:member-remove": members(*INCIDENT_REPORTERS),
    "notify:document-remove": members(*INCIDENT_REPORTERS),
    "notify:submitted": members(*INCIDENT_REPORTERS),
    # Information requests and agency returns (object-level checks in cspr.returns.rules; another organisation's
    # request, return or attachment is a 404). The inbox spans every partnership the person belongs to.
    "returns:board": members(*RETURN_REQUESTERS),
    "returns:send": members(*RETURN_REQUESTERS),
    "returns:chase": members(*RETURN_REQUESTERS),
    "returns:not-involved": members(*RETURN_REQUESTERS),
    "returns:clock-close": members(*RETURN_REQUESTERS),
    "returns:return": members(*RETURN_READERS),
    "returns:return-docx": members(*RETURN_READERS),
    "returns:case-attachment": members(*RETURN_READERS),
    "returns:chronology": members(*CHRONOLOGY_READERS),
    "returns:chronology-docx": members(*CHRONOLOGY_READERS),
    "returns:leads": members(*ORGANISATION_LEAD_MANAGERS),
    "returns:inbox": SIGNED_IN,
    "returns:request": members(*RETURN_CONTRIBUTORS),
    "returns:edit": members(*RETURN_CONTRIBUTORS),
    "returns:entry-add": members(*RETURN_CONTRIBUTORS),
    "returns:entry-remove": members(*RETURN_CONTRIBUTORS),
    "returns:entry-change": members(*RETURN_CONTRIBUTORS),
    "returns:import": members(*RETURN_CONTRIBUTORS),
    "returns:attachment-add": members(*RETURN_CONTRIBUTORS),
    "returns:attachment-remove": members(*RETURN_CONTRIBUTORS),
    "returns:attachment": members(*RETURN_CONTRIBUTORS),
    "returns:assign": members(*RETURN_CONTRIBUTORS),
    "returns:sign-off-request": members(*RETURN_CONTRIBUTORS),
    "returns:submit": members(*RETURN_CONTRIBUTORS),
    "returns:revise": members(*RETURN_CONTRIBUTORS),
    "returns:own-docx": members(*RETURN_CONTRIBUTORS),
    # The rapid review (cspr.rapid_reviews): another partnership's case, or a role without a part in it, is a 404.
    "rapid_reviews:overview": members(*RAPID_REVIEW_READERS),
    "rapid_reviews:section": members(*RAPID_REVIEW_EDITORS),
    "rapid_reviews:check": members(*RAPID_REVIEW_READERS),
    "rapid_reviews:meeting": members(*MEETING_ORGANISERS),
    "rapid_reviews:meeting-held": members(*MEETING_ORGANISERS),
    "rapid_reviews:paper-upload": members(*MEETING_ORGANISERS),
    "rapid_reviews:paper-download": members(*MEETING_PAPER_READERS),
    "rapid_reviews:sign-off": members(*PARTNER_SIGNERS),
    "rapid_reviews:ratify": members(*PARTNER_SIGNERS),
    "rapid_reviews:rationale-sent": members(*PANEL_CORRESPONDENTS),
    "rapid_reviews:document": members(*RAPID_REVIEW_READERS),
    "rapid_reviews:document-identifying": members(*RAPID_REVIEW_IDENTIFYING),
    "rapid_reviews:print": members(*RAPID_REVIEW_READERS),
    "rapid_reviews:submit": members(*PANEL_CORRESPONDENTS),
    "rapid_reviews:panel-response": members(*PANEL_CORRESPONDENTS),
    "rapid_reviews:close": members(*CRITERIA_CLOSERS),
    "rapid_reviews:family": members(*FAMILY_RECORDERS),
    "rapid_reviews:actions": members(*RAPID_REVIEW_READERS),
    "rapid_reviews:action": members(*ACTION_TRACKERS),
    # The Panel's national review (cspr.national_reviews): a role without a part in it is a 404.
    "national_reviews:overview": members(*NATIONAL_REVIEW_READERS),
    "national_reviews:contact": members(*NATIONAL_REVIEW_RECORDERS),
    "national_reviews:engagement": members(*NATIONAL_REVIEW_RECORDERS),
    "national_reviews:item-add": members(*NATIONAL_REVIEW_RECORDERS),
    "national_reviews:item-provided": members(*NATIONAL_REVIEW_RECORDERS),
    "national_reviews:finish": members(*NATIONAL_REVIEW_RECORDERS),
    # Letters on the partnership's letterhead (cspr.letters): another partnership's case is a 404.
    "letters:letterhead": members(*LETTERHEAD_EDITORS),
    "letters:letterhead-logo": members(*LETTERHEAD_EDITORS),
    "letters:case": members(*LETTER_READERS),
    "letters:download": members(*LETTER_WRITERS),
    "letters:sent": members(*LETTER_WRITERS),
    # The register of reviewers and commissioning a reviewer for a case (cspr.reviewers): another partnership's
    # reviewer or case, or a role without a part in it, is a 404.
    "reviewers:register": members(*REVIEWER_REGISTER_KEEPERS),
    "reviewers:add": members(*REVIEWER_REGISTER_KEEPERS),
    "reviewers:reviewer": members(*REVIEWER_REGISTER_KEEPERS),
    "reviewers:change": members(*REVIEWER_REGISTER_KEEPERS),
    "reviewers:commissioning": members(*COMMISSION_READERS),
    "reviewers:commission": members(*REVIEWER_COMMISSIONERS),
    "reviewers:override": members(*CONFLICT_OVERRIDERS),
    "reviewers:confirm": members(*REVIEWER_COMMISSIONERS),
    "reviewers:invoice-add": members(*REVIEWER_COMMISSIONERS),
    "reviewers:invoice-paid": members(*REVIEWER_COMMISSIONERS),
    "reviewers:access": members(*REVIEWER_COMMISSIONERS),
    "reviewers:access-end": members(*REVIEWER_COMMISSIONERS),
    "reviewers:access-invite-again": members(*REVIEWER_COMMISSIONERS),
    # The local review (cspr.local_reviews): a role without a part in it, or a case with no local review, is a 404.
    "local_reviews:overview": members(*LOCAL_REVIEW_READERS),
    "local_reviews:start": members(*LOCAL_REVIEW_KEEPERS),
    "local_reviews:terms": members(*LOCAL_REVIEW_KEEPERS),
    "local_reviews:terms-version": members(*LOCAL_REVIEW_READERS),
    "local_reviews:terms-agree": members(*LOCAL_REVIEW_KEEPERS),
    "local_reviews:milestone-done": members(*LOCAL_REVIEW_KEEPERS),
    "local_reviews:milestone-move": members(*LOCAL_REVIEW_KEEPERS),
    "local_reviews:checkpoint": members(*LOCAL_REVIEW_KEEPERS),
    # Its drafts: the reviewer reaches them only for the case they were commissioned for (cases_visible), an agency's
    # contributor only their own organisation's request; anything else is a 404.
    "local_reviews:drafts": members(*DRAFT_KEEPERS),
    "local_reviews:draft-upload": members(*DRAFT_KEEPERS),
    "local_reviews:draft": members(*DRAFT_KEEPERS),
    "local_reviews:draft-download": members(*DRAFT_KEEPERS),
    "local_reviews:draft-final": members(*DRAFT_KEEPERS),
    "local_reviews:comments-ask": members(*COMMENT_REQUESTERS),
    "local_reviews:comment-request": members(*DRAFT_COMMENTERS),
    "local_reviews:comment-draft": members(*DRAFT_COMMENTERS),
    "local_reviews:national-suggest": members(*NATIONAL_SUGGESTERS),
    "local_reviews:events": members(*PRACTITIONER_EVENT_READERS),
    "local_reviews:event-add": members(*PRACTITIONER_EVENT_RECORDERS),
    "local_reviews:family": members(*FAMILY_LOG_READERS),
    "local_reviews:family-add": members(*FAMILY_LOG_WRITERS),
    "local_reviews:thread": members(*REVIEWER_THREAD_WRITERS),
    # The partnership's explainers for families, practitioners and agencies (cspr.local_reviews, §6.6).
    "explainers:list": members(*EXPLAINER_EDITORS),
    "explainers:explainer": members(*EXPLAINER_EDITORS),
    "explainers:edit": members(*EXPLAINER_EDITORS),
    "explainers:version": members(*EXPLAINER_EDITORS),
    "explainers:print": members(*EXPLAINER_EDITORS),
    # JSON API v1 (cspr.api): bearer tokens only. The OpenAPI document describes the API and holds no data.
    "api:openapi-json": PUBLIC,
    "api:index": api_tokens(*EVERY_ROLE),
    "api:api-root": api_tokens(*EVERY_ROLE),  # django-ninja's name for /api/v1/ (served by api:index)
    # Any token may try; the view lets a membership with an organisation notify (LA notifier) or refer.
    "api:notification-create": api_tokens(*EVERY_ROLE),
    "api:case-list": api_tokens(*CASE_READERS),
    "api:case-detail": api_tokens(*CASE_READERS),
    "api:case-clocks": api_tokens(*CASE_READERS),
    "api:case-parallel-processes": api_tokens(*PROCESS_READERS),
    "api:case-rapid-review": api_tokens(*RAPID_REVIEW_READERS),
    "api:case-information-requests": api_tokens(*RETURN_READERS),
    "api:case-local-review": api_tokens(*LOCAL_REVIEW_SUPERVISORS),
}


def policy_for(view_name: str | None) -> Policy | None:
    """The page's own entry, else its namespace's ``"<namespace>:*"`` entry (the operators' admin)."""
    if view_name is None:
        return None
    namespace = view_name.partition(":")[0]
    return URL_POLICY.get(view_name) or URL_POLICY.get(f"{namespace}:*")
