"""Forms for the rapid review pages. The record's section forms require nothing: a section is saved as a draft
whatever is typed, and the completeness check (``cspr.domain.rapid_review``) says what is still missing. The
decision forms require what their service requires, with the same words."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms

from cspr.cases.services import IDENTIFYING_PURPOSES
from cspr.core.forms import FreeTextField, GovukDateField, late_reason_field, past_clock_date, radio_field, reason_field
from cspr.core.shared_forms import PurposeForm, TitledUploadForm
from cspr.domain.criteria import NATIONAL_REVIEW_CIRCUMSTANCES, NATIONAL_REVIEW_CRITERIA
from cspr.domain.rapid_review import JUDGED_CRITERIA, MIN_REASON, Judgement
from cspr.kernel import text
from cspr.partnerships.models import Organisation
from cspr.rapid_reviews.models import (
    LearningAction,
    MeetingAttendance,
    NationalRecommendation,
    PrgMeeting,
    YesNo,
)
from cspr.rapid_reviews.services import RESOLVED_ON

NO_NAMES = "Do not include names of the child or family."


def _area(label: str, *, hint: str = "", rows: int = 5, **kwargs: Any) -> FreeTextField:
    """A long answer in a text area under the narrative limit: optional unless ``required=True``."""
    kwargs.setdefault("required", False)
    return FreeTextField(label=label, help_text=hint, limit=text.NARRATIVE, textarea=True, rows=rows, **kwargs)


# -- the record's sections -------------------------------------------------------------------------------------------


class SafeguardingForm(forms.Form):
    def __init__(self, *args: Any, children: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for child in children:
            self.fields[f"arrangements_{child.pk}"] = _area(
                f"Immediate safeguarding arrangements for {child.pseudonym}",
                subject=f"The arrangements for {child.pseudonym}",
                hint="Where the child is now, who is keeping them safe, and any plan or order. " + NO_NAMES,
            )


class FactsForm(forms.Form):
    facts_summary = _area(
        "Summary of the facts and their context",
        hint="As far as they can be established now: enough to support the analysis against the criteria, without "
        "a full chronology.",
        rows=10,
    )

    def __init__(self, *args: Any, required_by_preset: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suffix = " (your procedure requires this)" if required_by_preset else " (optional)"
        self.fields["key_practice_episodes"] = _area(
            "Key practice episodes" + suffix,
            hint="The moments in agencies' work with the family that matter most for learning.",
        )
        self.fields["equality_analysis"] = _area(
            "Equality analysis" + suffix,
            hint="How race, disability, and other inequalities may have shaped what happened or the services given.",
        )


class CriteriaForm(forms.Form):
    def __init__(self, *args: Any, texts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in JUDGED_CRITERIA:
            self.fields[f"judgement_{criterion.code}"] = radio_field(
                f"{texts[criterion.code]} ({criterion.section})",
                [(item.value, item.label) for item in Judgement],
                required=False,
            )
            self.fields[f"reason_{criterion.code}"] = _area(
                "Why", subject="The reason", hint=f"At least {MIN_REASON} characters.", rows=3
            )


class DecisionsForm(forms.Form):
    local_decision = radio_field(
        "Does the PRG decide that a local child safeguarding practice review should be held?",
        YesNo.choices,
        help_text="Meeting the criteria does not by itself mean a review must be held (§5.3).",
        required=False,
    )
    local_grounds = _area("Grounds for the decision", hint="Clear reasons, and if no review, why not.")
    national_recommendation = radio_field(
        "Does the PRG recommend a national review?", NationalRecommendation.choices, required=False
    )
    national_reasons = _area("Reasons for the recommendation on a national review")
    further_learning = _area("Potential for further learning")
    no_further_learning = _area(
        "If there is to be no local review: why no further learning is expected",
        subject="Why no further learning is expected",
        hint="Needed only when the decision is not to hold a local review.",
    )

    def __init__(self, *args: Any, texts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national_criteria"] = forms.MultipleChoiceField(
            label="Which of the Panel's criteria and circumstances may apply? (§8.2-8.3)",
            choices=[
                (item.code, f"{texts[item.code]} ({item.section})")
                for item in NATIONAL_REVIEW_CRITERIA + NATIONAL_REVIEW_CIRCUMSTANCES
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.order_fields(
            [
                "local_decision",
                "local_grounds",
                "national_recommendation",
                "national_criteria",
                "national_reasons",
                "further_learning",
                "no_further_learning",
            ]
        )


BLANK_ACTION_ROWS = 2


class LearningForm(forms.Form):
    immediate_learning = _area(
        "Immediate learning already established",
        hint="Say so if no learning is established yet.",
    )

    def __init__(self, *args: Any, organisations: list[Organisation], rows: int, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_rows = rows
        choices = [("", "Choose an organisation"), *((str(org.pk), org.name) for org in organisations)]
        for number in range(1, rows + 1):
            self.fields[f"action_{number}_what"] = _area(
                f"Action {number}: what will be done to share the learning",
                subject=f"Action {number}",
                rows=2,
                hint="Leave empty to remove it.",
            )
            self.fields[f"action_{number}_owner"] = forms.ChoiceField(
                label=f"Action {number}: organisation that owns it", choices=choices, required=False
            )
            self.fields[f"action_{number}_due"] = GovukDateField(
                label=f"Action {number}: due date", required=False, clock_date=True
            )

    def actions(self) -> list[tuple[str, int | None, date | None]]:
        """The rows with something typed in them, as (what, owner organisation id, due date)."""
        result = []
        for number in range(1, self.action_rows + 1):
            what = self.cleaned_data.get(f"action_{number}_what", "")
            owner = self.cleaned_data.get(f"action_{number}_owner") or None
            due = self.cleaned_data.get(f"action_{number}_due")
            if what or owner or due:
                result.append((what, int(owner) if owner else None, due))
        return result


class AgenciesForm(forms.Form):
    def __init__(self, *args: Any, organisations: list[Organisation], statutory: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        statutory_ids = {org.pk for org in statutory}
        self.fields["involved"] = forms.MultipleChoiceField(
            label="Which agencies have been involved in the rapid review?",
            help_text="Statutory agencies are marked. Explain below any statutory agency not involved.",
            choices=[
                (str(org.pk), org.name + (" (statutory agency)" if org.pk in statutory_ids else ""))
                for org in organisations
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        for org in statutory:
            self.fields[f"omission_{org.pk}"] = _area(
                f"If {org.name} was not involved, why",
                subject=f"Why {org.name} was not involved",
                rows=2,
                hint="Leave empty if it was involved.",
            )


# -- the meeting -----------------------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    starts_at = forms.RegexField(
        label="Start time (optional)",
        help_text="For example 14:00.",
        regex=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        required=False,
        max_length=5,
        error_messages={"invalid": "Enter the start time as hours and minutes, like 14:00"},
    )
    mode = radio_field(
        "How will the PRG meet?",
        PrgMeeting.Mode.choices,
        help_text="A virtual meeting is allowed when time is short (§3.4).",
        required_message="Choose whether the meeting is virtual or in person",
    )
    where = FreeTextField(
        label="Where, or the link to join",
        subject="Where the meeting is",
        limit=text.PLACE,
        error_messages={"required": "Enter where the meeting is, or the link to join it"},
    )
    agenda = _area("Agenda", rows=6)
    late_reason = late_reason_field(
        "If the date is after the PRG meeting's due date: why it cannot be sooner",
        subject="Why it cannot be sooner",
        limit=text.NARRATIVE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheduled_on"] = GovukDateField(label="Date of the meeting", clock_date=True)
        self.order_fields(["scheduled_on", "starts_at", "mode", "where", "agenda", "late_reason"])


class MeetingHeldForm(forms.Form):
    minutes = _area("Minutes", rows=10, required=True, error_messages={"required": "Enter the minutes of the meeting"})
    actions_agreed = _area("Actions agreed", rows=5)
    late_reason = late_reason_field("If the meeting was held after its due date: why", limit=text.NARRATIVE)

    def __init__(self, *args: Any, organisations: list[Organisation], statutory_ids: set[int], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        self.fields["held_on"] = past_clock_date("Date the meeting was held", today)
        order = ["held_on"]
        for org in organisations:
            statutory = org.pk in statutory_ids
            self.fields[f"status_{org.pk}"] = radio_field(
                f"{org.name}{' (statutory agency)' if statutory else ''}",
                ([] if statutory else [("", "Not listed")]) + list(MeetingAttendance.Status.choices),
                required=statutory,
                required_message=f"Say whether {org.name} attended",
            )
            self.fields[f"explanation_{org.pk}"] = _area(
                f"If {org.name} was absent or not involved, why", subject=f"Why {org.name} was absent", rows=2
            )
            order += [f"status_{org.pk}", f"explanation_{org.pk}"]
        self.order_fields([*order, "minutes", "actions_agreed", "late_reason"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for org in self.organisations:
            status = cleaned.get(f"status_{org.pk}")
            explained = len(cleaned.get(f"explanation_{org.pk}", "")) >= MIN_REASON
            if status and status != MeetingAttendance.Status.ATTENDED and not explained:
                self.add_error(
                    f"explanation_{org.pk}",
                    f"Explain why {org.name} did not attend (at least {MIN_REASON} characters)",
                )
        return cleaned


class PaperForm(TitledUploadForm):
    thing = "paper"
    example = "Police summary for the PRG"


# -- decisions -------------------------------------------------------------------------------------------------------


class SendToExecutiveForm(forms.Form):
    late_reason = late_reason_field(
        "If this is after the date the rapid review was due at the Executive: why", limit=text.NARRATIVE
    )


class SignOffForm(forms.Form):
    agrees = radio_field(
        "Does your organisation agree with the PRG's decision and recommendation?",
        YesNo.choices,
        required_message="Say whether your organisation agrees with the PRG",
    )
    rationale = _area(
        "If not, your rationale",
        subject="Your rationale",
        hint="It goes to the Panel (§4.5). At least 20 characters.",
    )

    def __init__(self, *args: Any, organisations: list[Organisation], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.TypedChoiceField(
            label="Signing off for",
            choices=[(str(org.pk), org.name) for org in organisations],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the organisation you sign off for"},
        )
        self.fields["signed_on"] = past_clock_date("Date of the sign-off", today)
        self.order_fields(["organisation", "agrees", "rationale", "signed_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("agrees") == "no" and len(cleaned.get("rationale", "")) < MIN_REASON:
            self.add_error("rationale", f"Give your rationale (at least {MIN_REASON} characters)")
        return cleaned


class RatifyForm(forms.Form):
    late_reason = late_reason_field("If this is after the ratification's due date: why", limit=text.NARRATIVE)

    def __init__(self, *args: Any, ask_decision: bool, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ratified_on"] = past_clock_date("Date of ratification", today)
        if ask_decision:
            self.fields["local_review"] = radio_field(
                "A partner disagrees with the PRG. Will a local review be held?",
                YesNo.choices,
                required_message="Say whether a local review will be held",
            )
        self.order_fields(["local_review", "ratified_on", "late_reason"])


class DateSentForm(forms.Form):
    late_reason = late_reason_field("If it was sent after its due date: why", limit=text.NARRATIVE)

    def __init__(self, *args: Any, today: date, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"] = past_clock_date(label, today)
        self.order_fields(["sent_on", "late_reason"])


class PanelResponseForm(forms.Form):
    details = _area(
        "The Panel's rationale, or what it asked for",
        hint="For information sent back, what was sent (optional). " + NO_NAMES,
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = radio_field("What happened?", kinds, required_message="Choose what the Panel said")
        self.fields["received_on"] = past_clock_date("Date it happened", today)
        self.fields["information_due_on"] = GovukDateField(
            label="If the Panel asked for information: by when", required=False, clock_date=True
        )
        self.order_fields(["kind", "received_on", "details", "information_due_on"])


class CloseForm(forms.Form):
    reason = reason_field(
        "Why the case does not meet the criteria",
        rows=5,
        limit=text.NARRATIVE,
        required_message="Enter why the case does not meet the criteria",
    )


class ActionResolveForm(forms.Form):
    """A learning action followed to its end: done, or closed without being done and why (§7.10)."""

    outcome = radio_field(
        "How did the action end?",
        [(value, label) for value, label in LearningAction.Status.choices if value != LearningAction.Status.OPEN],
        required_message="Choose whether the action is done or closed without being done",
    )
    reason = _area("Why was it closed without being done?", required=False)
    conditionals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "outcome": {LearningAction.Status.CLOSED: ("reason",)}
    }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved_on"] = past_clock_date(RESOLVED_ON, today)
        self.order_fields(["outcome", "resolved_on", "reason"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == LearningAction.Status.CLOSED and not cleaned.get("reason"):
            self.add_error("reason", "Say why the action is closed without being done")
        return cleaned


class IdentifyingPurposeForm(PurposeForm):
    purposes = IDENTIFYING_PURPOSES
    need = "the identifying details"
    question = "Why do you need the copy with identifying details?"
