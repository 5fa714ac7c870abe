"""The demo's local review steps: what the data file (``data/cases.toml``) may do on a case once a local review is
decided (the rapid review's steps, or the discretionary choice here, take it there): a reviewer from the register
proposed and commissioned, the review started, its terms of reference saved and agreed, its milestones and
checkpoints, the practitioners' events, the family's involvement log, the thread with the reviewer, the drafts of the
report and the organisations' factual-accuracy comments on them. Each step acts through the services, as the person
whose part it is, at fixed invented dates.

A draft is a small Word document made here in memory from the words the data file gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.cases.models import Case
from cspr.cases.services import case_route
from cspr.core.wordfiles import CONTENT_TYPE, docx_bytes, new_document
from cspr.demo.common import BUSINESS_UNIT, PRG_CHAIR, REVIEWER, acting, answers, on
from cspr.domain.reviewers import COMPETENCIES
from cspr.local_reviews import selectors, selectors_people
from cspr.local_reviews.services import (
    checkpoint_record,
    local_review_start,
    milestone_done,
    milestone_move,
    terms_of_reference_agree,
    terms_of_reference_save,
)
from cspr.local_reviews.services_drafts import comments_request, comments_submit, draft_upload
from cspr.local_reviews.services_people import (
    family_entry_record,
    practitioner_event_record,
    reviewer_message_send,
    reviewer_messages_read,
)
from cspr.partnerships.selectors import organisation_by_name
from cspr.reviewers import selectors as reviewer_selectors
from cspr.reviewers.services import commission_propose

EVIDENCE = (
    "Has led four local reviews using the systems approach, each with a learning event for practitioners and "
    "meetings with the family (demo).",
    "Keeps up with the Panel's annual reports and the national reviews; cited them in the last two reports (demo).",
    "References describe reviews that looked at how workload and shared records shaped practitioners' decisions "
    "(demo).",
    "The last report set out what each practitioner knew at the time before drawing any conclusion (demo).",
    "The published reports are short and plain, with findings the partnerships could act on (demo).",
)
"""The evidence for each §6.2 competency, in the order of ``cspr.domain.reviewers.COMPETENCIES``, unless a step
gives its own."""


def _organisation_ids(names: tuple[str, ...]) -> list[int]:
    """The ids of the organisations named (the demo's own names); a name the demo does not know is a mistake."""
    ids = []
    for name in names:
        organisation = organisation_by_name(name=name)
        if organisation is None:
            raise ValueError(f"The demo has no organisation called {name!r}.")
        ids.append(organisation.pk)
    return ids


@dataclass(frozen=True)
class DiscretionaryReview:
    """The PRG chair chooses a discretionary local review (§5.6) of a case that was not notifiable, on ``grounds``
    (codes of ``cspr.domain.criteria``'s discretionary grounds), for ``reason``."""

    grounds: tuple[str, ...]
    reason: str
    at: datetime

    def take(self, case: Case) -> None:
        case_route(
            acting=acting(PRG_CHAIR),
            case=case,
            transition="choose_discretionary_review",
            reason=self.reason,
            grounds=self.grounds,
            at=self.at,
        )


@dataclass(frozen=True)
class Commission:
    """The business unit proposes the reviewer on the register with this e-mail address: the evidence for each
    competency, the organisations they declared working for or with recently, other interests, the fee and the
    purchase order. They are commissioned at once when nothing conflicts; otherwise the proposal waits for an
    Executive member's override."""

    reviewer: str
    fee: str
    purchase_order: str
    at: datetime
    interests: tuple[str, ...] = ()
    other_interests: str = ""
    perceived_conflict: bool = False
    evidence: tuple[str, ...] = EVIDENCE

    def take(self, case: Case) -> None:
        found = [
            row
            for row in reviewer_selectors.reviewers_listed(partnership_id=case.partnership_id)
            if row.email == self.reviewer
        ]
        if not found:
            raise ValueError(f"The demo's register has no reviewer {self.reviewer!r}.")
        commission_propose(
            acting=acting(BUSINESS_UNIT),
            case=case,
            reviewer_id=found[0].pk,
            evidence={competency.code: words for competency, words in zip(COMPETENCIES, self.evidence, strict=True)},
            interests=_organisation_ids(self.interests),
            at=self.at,
            **answers(self, besides={"reviewer", "evidence", "interests"}),
        )


@dataclass(frozen=True)
class Start:
    """The business unit starts the local review on ``started_on`` (its milestones proposed from that day), joint with
    another partnership when ``joint`` (§5.5)."""

    started_on: date
    joint: bool = False
    joint_partnership: str = ""
    joint_contact: str = ""
    joint_lead: str = ""
    hour: int = 10

    def take(self, case: Case) -> None:
        local_review_start(acting=acting(BUSINESS_UNIT), case=case, at=on(self.started_on, self.hour), **answers(self))


@dataclass(frozen=True)
class Handling:
    """How the terms of reference handle the open parallel process of this kind (a ``ParallelProcess`` kind)."""

    process: str
    handling: str


@dataclass(frozen=True)
class Terms:
    """The business unit saves a new version of the terms of reference at ``at``, saying how the review handles each
    parallel process open on the register (``handling``, by the process's kind)."""

    method: str
    period_from: date
    period_to: date
    lines_of_enquiry: tuple[str, ...]
    practitioners: str
    family: str
    proportionality: str
    at: datetime
    handling: tuple[Handling, ...] = ()
    method_other: str = ""

    def take(self, case: Case) -> None:
        said = {answer.process: answer.handling for answer in self.handling}
        processes = selectors.open_processes(case=case)
        terms_of_reference_save(
            acting=acting(BUSINESS_UNIT),
            case=case,
            lines_of_enquiry="\n".join(self.lines_of_enquiry),
            handling={process.id: said.get(process.answers["kind"], "") for process in processes},
            at=self.at,
            **answers(self, besides={"lines_of_enquiry", "handling"}),
        )


@dataclass(frozen=True)
class TermsAgreed:
    """The business unit records that the partnership agreed the latest version of the terms of reference with the
    reviewer on ``agreed_on`` (the first agreement starts the review)."""

    agreed_on: date
    hour: int = 15

    def take(self, case: Case) -> None:
        review = selectors.local_review_get(case=case)
        latest = selectors.terms_latest(review=review) if review is not None else None
        if latest is None:
            raise ValueError(f"{case.reference} has no terms of reference to agree.")
        terms_of_reference_agree(
            acting=acting(BUSINESS_UNIT),
            case=case,
            number=latest.number,
            agreed_on=self.agreed_on,
            at=on(self.agreed_on, self.hour),
        )


@dataclass(frozen=True)
class MilestoneStep:
    """The business unit marks the milestone of ``kind`` (a ``MilestoneKind`` value) done on ``done_on``, or moves its
    due date to ``due_on`` for ``reason``, at ``at``."""

    kind: str
    at: datetime
    done_on: date | None = None
    due_on: date | None = None
    reason: str = ""

    def take(self, case: Case) -> None:
        business_unit = acting(BUSINESS_UNIT)
        review = selectors.local_review_get(case=case)
        rows = selectors.milestone_rows(review=review, today=self.at.date(), days=selectors.milestone_days(case=case))
        milestone = next((row for row in rows if row.kind == self.kind), None)
        if milestone is None:
            raise ValueError(f"The demo's local review has no milestone {self.kind!r}.")
        if self.done_on is not None:
            milestone_done(acting=business_unit, case=case, milestone_id=milestone.id, done_on=self.done_on, at=self.at)
        if self.due_on is not None:
            milestone_move(
                acting=business_unit,
                case=case,
                milestone_id=milestone.id,
                due_on=self.due_on,
                reason=self.reason,
                at=self.at,
            )


@dataclass(frozen=True)
class ReviewCheckpoint:
    """The business unit records a check of the review (``kind``: progress or quality) held on ``held_on``."""

    held_on: date
    kind: str
    rating: str
    note: str
    hour: int = 16

    def take(self, case: Case) -> None:
        checkpoint_record(acting=acting(BUSINESS_UNIT), case=case, at=on(self.held_on, self.hour), **answers(self))


@dataclass(frozen=True)
class PractitionerEvent:
    """``by`` records the practitioners' learning event held on ``held_on``: the organisations invited and those that
    attended, by name, and what the practitioners fed back."""

    held_on: date
    invited: tuple[str, ...]
    attended: tuple[str, ...]
    feedback: str
    by: str = BUSINESS_UNIT
    hour: int = 17

    def take(self, case: Case) -> None:
        practitioner_event_record(
            acting=acting(self.by),
            case=case,
            held_on=self.held_on,
            invited=_organisation_ids(self.invited),
            attended=_organisation_ids(self.attended),
            feedback=self.feedback,
            at=on(self.held_on, self.hour),
        )


@dataclass(frozen=True)
class FamilyLogEntry:
    """``by`` records an entry of the family involvement log about ``about`` (the log's words for the person:
    "Household member 1 (mother)", "Child A (a child of the case)"): its ``kind`` (a ``FamilyEntry.Kind`` value) on
    ``happened_on``, and what that kind needs."""

    about: str
    kind: str
    happened_on: date
    how: str = ""
    consent: str = ""
    note: str = ""
    managed: str = ""
    by: str = BUSINESS_UNIT
    hour: int = 16

    def take(self, case: Case) -> None:
        people = {words: key for key, words in selectors_people.family_people(case=case)}
        if self.about not in people:
            raise ValueError(f"The log can be about {', '.join(people)}, not {self.about!r}.")
        family_entry_record(
            acting=acting(self.by),
            case=case,
            person=people[self.about],
            at=on(self.happened_on, self.hour),
            **answers(self, besides={"about"}),
        )


@dataclass(frozen=True)
class Message:
    """``by`` (the business unit or the commissioned reviewer) opens the thread with the reviewer, which marks the
    other side's messages read, and writes in it at ``at``."""

    by: str
    message: str
    at: datetime

    def take(self, case: Case) -> None:
        writer = acting(self.by)
        reviewer_messages_read(acting=writer, case=case, at=self.at)
        reviewer_message_send(acting=writer, case=case, message=self.message, at=self.at)


@dataclass(frozen=True)
class Draft:
    """The commissioned reviewer uploads the next draft of the report at ``at``: a small Word document called
    ``file_name``, headed ``title``, whose paragraphs are ``text``."""

    file_name: str
    title: str
    text: tuple[str, ...]
    at: datetime
    by: str = REVIEWER

    def take(self, case: Case) -> None:
        reviewer = acting(self.by)
        document = new_document(author=reviewer.user.full_name if reviewer.user else "", title=self.title, at=self.at)
        document.add_heading(self.title, level=1)
        for paragraph in self.text:
            document.add_paragraph(paragraph)
        upload = SimpleUploadedFile(self.file_name, docx_bytes(document), content_type=CONTENT_TYPE)
        draft_upload(acting=reviewer, case=case, upload=upload, at=self.at)


@dataclass(frozen=True)
class Answer:
    """An organisation's factual-accuracy comments, sent by its contributor ``by`` at ``at``."""

    organisation: str
    by: str
    comments: str
    at: datetime


@dataclass(frozen=True)
class DraftComments:
    """The business unit asks the organisations named for factual-accuracy comments on draft ``number`` by ``due_on``
    at ``at``; each of ``answers`` is one of them commenting."""

    number: int
    organisations: tuple[str, ...]
    due_on: date
    at: datetime
    answers: tuple[Answer, ...] = ()

    def take(self, case: Case) -> None:
        requests = comments_request(
            acting=acting(BUSINESS_UNIT),
            case=case,
            number=self.number,
            organisations=_organisation_ids(self.organisations),
            due_on=self.due_on,
            at=self.at,
        )
        asked = {request.organisation_id: request for request in requests}
        for answer in self.answers:
            (organisation,) = _organisation_ids((answer.organisation,))
            if organisation not in asked:
                raise ValueError(f"{answer.organisation} was not asked about draft {self.number}.")
            comments_submit(
                acting=acting(answer.by),
                case=case,
                request_uuid=asked[organisation].uuid,
                comments=answer.comments,
                at=answer.at,
            )


LocalReviewStep = (
    DiscretionaryReview
    | Commission
    | Start
    | Terms
    | TermsAgreed
    | MilestoneStep
    | ReviewCheckpoint
    | PractitionerEvent
    | FamilyLogEntry
    | Message
    | Draft
    | DraftComments
)

LOCAL_REVIEW_STEPS: dict[str, type[LocalReviewStep]] = {
    "discretionary_review": DiscretionaryReview,
    "reviewer_proposed": Commission,
    "local_review_start": Start,
    "terms_of_reference": Terms,
    "terms_agreed": TermsAgreed,
    "milestone": MilestoneStep,
    "checkpoint": ReviewCheckpoint,
    "practitioner_event": PractitionerEvent,
    "family_entry": FamilyLogEntry,
    "reviewer_message": Message,
    "draft": Draft,
    "draft_comments": DraftComments,
}
"""The local review's steps by the names the data file gives them."""
