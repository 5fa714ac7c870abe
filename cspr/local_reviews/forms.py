"""Forms of the local review: starting it (joint or not), a version of the terms of reference (with how each open
parallel process is handled), agreeing it, a milestone done or moved, and a checkpoint. The words for free text are
the service's (:data:`cspr.local_reviews.services.TEXTS`); dates that have happened cannot be in the future."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cspr.cases.selectors_processes import ProcessRow
from cspr.core.forms import DatedForm, FreeTextField, GovukDateField, happened_date, named_text_field, radio_field
from cspr.domain.local_review import JointLead, Method
from cspr.local_reviews.models import Checkpoint
from cspr.local_reviews.services import METHOD_OTHER_NEEDED, PERIOD_ORDER, TEXTS

YES_NO = [("yes", "Yes"), ("no", "No")]
TEXT_FIELDS = ("method_other", "lines_of_enquiry", "practitioners", "family", "proportionality")
"""The terms of reference's answers in words (shown beside what was typed when a save is refused as stale)."""


def _text(name: str, label: str, **kwargs: Any) -> FreeTextField:
    return named_text_field(TEXTS, name, label, **kwargs)


class StartForm(DatedForm):
    order = ("started_on", "joint", "joint_partnership", "joint_contact", "joint_lead")
    joint = radio_field(
        "Is the review held jointly with another partnership?",
        YES_NO,
        required_message="Select yes if the review is held jointly with another partnership",
        help_text="For example when the child lived across areas, or more than one local authority or police area was "
        "involved (§5.5).",
    )
    joint_partnership = _text(
        "joint_partnership", "The other partnership (if joint)", help_text="Its name, as it calls itself."
    )
    joint_contact = _text(
        "joint_contact",
        "The other partnership's contact (if joint)",
        help_text="On one line: their role and how to reach them.",
    )
    joint_lead = radio_field(
        "Which partnership leads the review? (if joint)",
        [(JointLead.THIS.value, "This partnership"), (JointLead.OTHER.value, "The other partnership")],
        required=False,
    )

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"started_on": happened_date("The review started on", today)}

    def clean_joint(self) -> bool:
        return self.cleaned_data["joint"] == "yes"


class TermsForm(DatedForm):
    """A new version of the terms of reference; one question per parallel process open on the register."""

    order = (
        "method",
        "method_other",
        "period_from",
        "period_to",
        "lines_of_enquiry",
        "practitioners",
        "family",
        "proportionality",
    )
    method = radio_field(
        "How will the review be conducted?",
        [(method.value, method.label) for method in Method],
        required_message="Select the method the review will follow",
        help_text="The systems approach unless the partnership and the reviewer agree another (§6.3-6.4).",
    )
    method_other = _text("method_other", "The other method (if other)")
    lines_of_enquiry = _text(
        "lines_of_enquiry",
        "Key lines of enquiry",
        required_message="Enter at least one key line of enquiry",
        textarea=True,
        help_text="One a line.",
    )
    practitioners = _text(
        "practitioners",
        "How will practitioners be involved?",
        required_message="Say how practitioners will be involved",
        textarea=True,
    )
    family = _text(
        "family",
        "How will the family be involved?",
        required_message="Say how the family will be involved",
        textarea=True,
        help_text="Including surviving children, and how their expectations will be managed (§6.6).",
    )
    proportionality = _text(
        "proportionality",
        "Why is the review proportionate to the case?",
        required_message="Say why the review is proportionate to the case",
        textarea=True,
        help_text="Its scope and depth, focused on learning (§6.5).",
    )

    def __init__(self, *args: Any, processes: list[ProcessRow], today: date, **kwargs: Any) -> None:
        super().__init__(*args, today=today, **kwargs)
        self.process_fields = []
        for process in processes:
            name = f"process_{process.id}"
            lead = process.answers.get("lead_organisation")
            label = f"How does the review handle the {process.kind_label.lower()}?"
            self.fields[name] = _text(
                "handling",
                label,
                required_message=f"Say how the review handles the {process.kind_label.lower()}",
                textarea=True,
                rows=3,
                help_text=f"{process.status_label}"
                + (f", led by {lead}" if lead else "")
                + ". For example what may not be discussed with witnesses, or when to liaise again (§9.3-9.4).",
            )
            self.process_fields.append(name)

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {
            "period_from": GovukDateField(label="Period under review: from", historical=True, today=lambda: today),
            "period_to": GovukDateField(label="Period under review: to", historical=True, today=lambda: today),
        }

    def clean(self) -> dict[str, Any]:
        """Besides the answers, ``handling``: how each open process is handled, by process id."""
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        # Said with the other mistakes, not after they are put right (the service checks both again).
        if start and end and end < start:
            self.add_error("period_to", PERIOD_ORDER)
        if cleaned.get("method") == Method.OTHER and not (cleaned.get("method_other") or "").strip():
            self.add_error("method_other", METHOD_OTHER_NEEDED)
        cleaned["handling"] = {
            int(name.removeprefix("process_")): cleaned.get(name, "") for name in self.process_fields
        }
        return cleaned


class AgreeForm(DatedForm):
    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"agreed_on": happened_date("Agreed on", today)}


class DoneForm(DatedForm):
    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"done_on": happened_date("Done on", today)}


class MoveForm(forms.Form):
    due_on = GovukDateField(label="New due date")
    reason = _text(
        "reason", "Why does the due date move?", required_message="Enter why the due date moves", textarea=True
    )


class CheckpointForm(DatedForm):
    order = ("held_on", "kind", "rating", "note")
    kind = radio_field(
        "What was checked?", Checkpoint.Kind.choices, required_message="Select what kind of checkpoint it was"
    )
    rating = radio_field(
        "How does the review stand?", Checkpoint.Rating.choices, required_message="Select how the review stands"
    )
    note = _text("note", "What was found and agreed", required_message="Enter what was found and agreed", textarea=True)

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"held_on": happened_date("Checked on", today)}
