"""The partnership's letterhead and the record that each letter of a case was sent.

Letters themselves are never kept: each is built from the catalogue (:mod:`cspr.domain.letters`) and the case's facts
when someone downloads it (ADR 0019). What is kept is what the partnership set for its letters (the letterhead) and,
for each letter sent, when, how and by whom (:class:`LetterSent`, immutable).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cspr.cases.models import Case, SealedRecord
from cspr.domain.letters import SENDING_METHODS, Recipient
from cspr.files.models import StoredFile
from cspr.kernel.records import NamedById, choices_of
from cspr.kernel.sealing import sealed_text


class Letterhead(NamedById):
    """What heads every letter of a partnership: its postal address, the line a letter is signed with (a professional
    in their working role: in clear, as ADR 0009 keeps professionals' names), and its logo, kept by the file store."""

    partnership = models.OneToOneField("partnerships.Partnership", on_delete=models.PROTECT, related_name="letterhead")
    address = models.TextField(blank=True, help_text="The partnership's postal address, one line each.")
    sign_off = models.CharField(max_length=200, blank=True, help_text="Who signs the letters, and their role.")
    logo = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.address.split("\n") if line.strip()]


class LetterSent(SealedRecord):
    """One letter of the catalogue recorded as sent: which, to whom, whether it named the family, on what day, how,
    and (``recorded_by``) the person who recorded it as the one who sent it."""

    class Method(models.TextChoices):
        SECURE_EMAIL = "secure_email", SENDING_METHODS["secure_email"]
        POST = "post", SENDING_METHODS["post"]
        BY_HAND = "by_hand", SENDING_METHODS["by_hand"]
        OTHER = "other", SENDING_METHODS["other"]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters_sent")
    # The code of a letter of the catalogue (cspr.domain.letters). Not a choices list: the service records only a
    # letter due on the case, and the catalogue can grow without a migration.
    letter = models.CharField(max_length=60)
    recipient = models.CharField(max_length=30, choices=choices_of(Recipient))
    names_family = models.BooleanField(help_text="Whether the letter named the child and family.")
    sent_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    method_other_sealed = sealed_text("How, when the method is 'other' (sealed: it may name someone).")

    class Meta(SealedRecord.Meta):
        verbose_name = "letter sent"
        verbose_name_plural = "letters sent"
        indexes = [models.Index(fields=["case", "recorded_at"], name="letters_sent_case")]
