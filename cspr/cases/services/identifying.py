"""Identifying details: shown to one person for a stated purpose (each view audited), and re-sealed under the
newest key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db import transaction

from cspr.cases.models import Case, Child, HouseholdMember
from cspr.cases.services.common import TEXTS, allowed
from cspr.kernel.acting import Acting, system_acting
from cspr.kernel.crypto import decrypt, encrypt, needs_rotation
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit, audit_case
from cspr.kernel.sealing import SUFFIX, seal_context, sealed_field_names

PURPOSE_NEEDED = "Select why you need to see the identifying details."
PURPOSE_OTHER_NEEDED = "Say why you need to see the identifying details."

IDENTIFYING_PURPOSES: tuple[tuple[str, str], ...] = (
    ("find_records", "Finding the child and family in my organisation's records"),
    ("rapid_review", "Preparing for or holding the rapid review"),
    ("notify_national", "Notifying the Panel, the Secretary of State or Ofsted"),
    ("duplicate_check", "Checking whether two cases are about the same child"),
    ("check_notification", "Checking or correcting the notification"),
    ("write_to_family", "Writing to the family about a decision on the case"),
    ("other", "Other"),
)
PURPOSE_LABELS = dict(IDENTIFYING_PURPOSES)


@dataclass(frozen=True)
class ChildIdentity:
    pseudonym: str
    name: str
    other_names: str
    date_of_birth: date | None
    address: str
    nhs_number: str
    disability_details: str
    unborn: bool
    not_yet_identified: bool


@dataclass(frozen=True)
class HouseholdIdentity:
    relationship: str
    name: str
    date_of_birth: date | None
    address: str


@dataclass(frozen=True)
class IdentifyingDetails:
    reference: str
    purpose: str
    children: tuple[ChildIdentity, ...]
    household: tuple[HouseholdIdentity, ...]
    incident_place: str
    what_is_known: str
    serious_harm_description: str
    case_outline: str
    media_details: str
    extra: dict[str, str] = field(default_factory=dict)


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def purpose_checked(purpose: str, purpose_other: str) -> str:
    """The purpose's own words, cleaned; refuses an unknown purpose or "other" without words."""
    if purpose not in PURPOSE_LABELS:
        raise CaseActionRefused(PURPOSE_NEEDED, field="purpose")
    purpose_other = TEXTS.clean("purpose_other", purpose_other)
    if purpose == "other" and not purpose_other:
        raise CaseActionRefused(PURPOSE_OTHER_NEEDED, field="purpose_other")
    return purpose_other


def identifying_details_view(
    *, acting: Acting, case: Case, purpose: str, purpose_other: str = ""
) -> IdentifyingDetails:
    """Decrypt the case's identifying details for one person, for a stated purpose, and audit that view (with the
    membership that allows it)."""
    grant = allowed(acting, "cases.view_identifying_details", case)
    purpose_other = purpose_checked(purpose, purpose_other)
    children = tuple(
        ChildIdentity(
            pseudonym=child.pseudonym,
            name=child.unseal("name"),
            other_names=child.unseal("other_names"),
            date_of_birth=_optional_date(child.unseal("date_of_birth")),
            address=child.unseal("address"),
            nhs_number=child.unseal("nhs_number"),
            disability_details=child.unseal("disability_details"),
            unborn=child.unborn,
            not_yet_identified=child.not_yet_identified,
        )
        for child in Child.objects.filter(case=case).order_by("position")
    )
    household = tuple(
        HouseholdIdentity(
            relationship=member.relationship,
            name=member.unseal("name"),
            date_of_birth=_optional_date(member.unseal("date_of_birth")),
            address=member.unseal("address"),
        )
        for member in HouseholdMember.objects.filter(case=case).order_by("position")
    )
    with transaction.atomic():
        audit_case(
            acting,
            "case.identifying_details_viewed",
            case,
            grant=grant,
            purpose=purpose,
            purpose_label=PURPOSE_LABELS[purpose],
            purpose_other=purpose_other,
        )
    return IdentifyingDetails(
        reference=case.reference,
        purpose=PURPOSE_LABELS[purpose],
        children=children,
        household=household,
        incident_place=case.unseal("incident_place"),
        what_is_known=case.unseal("what_is_known"),
        serious_harm_description=case.unseal("serious_harm_description"),
        case_outline=case.unseal("case_outline"),
        media_details=case.unseal("media_details"),
    )


# -- key rotation --------------------------------------------------------------------------------------------------


def identifying_details_reseal(*, batch_size: int = 500) -> dict[str, int]:
    """Re-seal every ``*_sealed`` value of the service's apps (cases and drafts, agency returns, the rapid
    review: every model sealed through ``SealedFieldsMixin``) that an older key sealed.

    Each value is decrypted with the key its token names and the row's own context, then encrypted with the newest
    key. Rows are updated in batches, each in its own transaction, with one audit event per model (by the service
    itself: nobody signed in). Safe to run again: values already under the newest key are left alone.
    """
    counts: dict[str, int] = {}
    models: list[Any] = [model for model in apps.get_models() if model.__module__.startswith("cspr.")]
    for model in models:
        sealed = [f"{name}{SUFFIX}" for name in sealed_field_names(model)]
        if not sealed or not any(field.name == "uuid" for field in model._meta.get_fields()):
            continue
        label = model._meta.label_lower
        count = 0
        last_pk = 0
        while True:
            rows = list(
                model._default_manager.filter(pk__gt=last_pk).order_by("pk").only("pk", "uuid", *sealed)[:batch_size]
            )
            if not rows:
                break
            last_pk = rows[-1].pk
            with transaction.atomic():
                for row in rows:
                    changed = []
                    for name in sealed:
                        token = getattr(row, name)
                        if token and needs_rotation(token):
                            context = seal_context(
                                model._meta.app_label, model._meta.model_name, name[: -len(SUFFIX)], row.uuid
                            )
                            setattr(row, name, encrypt(decrypt(token, context=context), context=context))
                            changed.append(name)
                    if changed:
                        model._default_manager.filter(pk=row.pk).update(
                            **{name: getattr(row, name) for name in changed}
                        )
                        count += len(changed)
        if count:
            with transaction.atomic():
                audit(system_acting(), "keys.resealed", object_type=label, values=count)
        counts[label] = count
    return counts
