"""The files kept before the one store move onto it (``files.0002_move_kept_files``): each opens as it was kept,
encrypted where it is stored, under its row's uuid and partnership, its title and name sealed for their new place;
a file that cannot be read is reported and kept as a record; the clear files go only once the move has committed;
going back is refused once files have moved."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cspr.cases.models import FamilyNotYetTold, FamilyTold
from cspr.files import moving
from cspr.kernel.crypto import DecryptionError, decrypt, encrypt
from cspr.kernel.sealing import seal_context
from tests.support import private_storage, stored_blobs

BEFORE = [
    ("files", "0001_initial"),
    ("cases", "0009_casedocument_stored_file"),
    ("rapid_reviews", "0005_meetingpaper_stored_file"),
    ("returns", "0005_returnattachment_stored_file"),
]
UPLOADED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_fixed_timezone(0))
# Invented: the tests look for them where they must never appear in clear.
CONTENTS = b"Quillon Canarywhistle told the health visitor about the fall.\n"
TITLE = "Statement of Quillon Canarywhistle"
NAME = "Quillon Canarywhistle statement.txt"


def _migrate(targets: list[tuple[str, str]] | None = None) -> None:
    if targets:
        # Going back past cases.0015_family_told_moved refuses what the older tables cannot hold (the family told on
        # a case without a rapid review): the demo's rows of it are not these tests' subject.
        FamilyTold.objects.all().delete()
        FamilyNotYetTold.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.fixture
def private(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """PRIVATE_MEDIA_ROOT and the private_files storage in one folder of the test's own, as configured by default.
    Whatever happens in the test, the database is on the latest migrations again afterwards."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    private_storage(settings, root)
    yield root
    _migrate()


class Old:
    """Rows written as the three models and the drafts wrote them before the move, with their clear files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        self.user = self.apps.get_model("accounts", "User").objects.get(email="business.unit@example.org")

    def _file(self, stored_name: str, content: bytes | None) -> None:
        if content is not None:
            path = self.root / stored_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

    def row(
        self,
        label: str,
        *,
        stored_name: str = "",
        kept: bytes = CONTENTS,
        on_disk: bytes | None = CONTENTS,
        title: str = TITLE,
        at: datetime = UPLOADED_AT,
        **owner: Any,
    ) -> Any:
        """A row of ``label`` as uploaded (checksum of ``kept``) whose clear file now holds ``on_disk``."""
        model = self.apps.get_model(label)
        row_uuid = uuid.uuid4()
        stored_name = stored_name or f"cases/{uuid.uuid4()}/{row_uuid}"
        meta = model._meta
        row = model._default_manager.create(
            uuid=row_uuid,
            stored_name=stored_name,
            title_sealed=encrypt(title, context=seal_context(meta.app_label, meta.model_name, "title", row_uuid)),
            original_name_sealed=encrypt(
                NAME, context=seal_context(meta.app_label, meta.model_name, "original_name", row_uuid)
            ),
            content_type="text/plain",
            size=len(kept),
            sha256=hashlib.sha256(kept).hexdigest(),
            uploaded_by=self.user,
            uploaded_at=at,
            **owner,
        )
        self._file(stored_name, on_disk)
        return row

    def draft(self, documents: dict[str, bytes | None]) -> Any:
        """A draft whose answers list one document per key, each sealed under drafts/ (``None``: its file is gone)."""
        model = self.apps.get_model("cases", "NotificationDraft")
        draft_uuid = uuid.uuid4()
        answers = {
            "documents": [
                {
                    "key": key,
                    "title": f"Police report {number}",
                    "filename": f"report-{number}.txt",
                    "content_type": "text/plain",
                    "size": len(content or b""),
                }
                for number, (key, content) in enumerate(documents.items(), start=1)
            ]
        }
        draft = model._default_manager.create(
            uuid=draft_uuid,
            partnership=self.apps.get_model("partnerships", "Partnership").objects.get(code="NVALE"),
            owner=self.user,
            started_at=UPLOADED_AT,
            updated_at=UPLOADED_AT,
            payload_sealed=encrypt(json.dumps(answers), context=f"cases.notificationdraft.payload.{draft_uuid}"),
        )
        for key, content in documents.items():
            sealed = None
            if content is not None:
                sealed = encrypt(
                    base64.b64encode(content).decode("ascii"),
                    context=f"cases.notificationdraft.document.{draft_uuid}.{key}",
                ).encode("ascii")
            self._file(f"drafts/{draft_uuid}/{key}", sealed)
        return draft


@pytest.mark.django_db(transaction=True)
def test_every_kept_file_moves_onto_the_store_and_opens_as_it_was_kept(
    demo: dict, private: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrate(BEFORE)
    old = Old(private)
    case = old.apps.get_model("cases", "Case").objects.get(reference="NVALE-2026-005")
    document = old.row("cases.CaseDocument", case=case)
    missing = old.row("cases.CaseDocument", case=case, on_disk=None)
    changed = old.row("cases.CaseDocument", case=case, on_disk=b"Something else entirely.\n")
    meeting = old.apps.get_model("rapid_reviews", "PrgMeeting").objects.get(case__reference="NVALE-2026-003")
    paper = old.row("rapid_reviews.MeetingPaper", meeting=meeting, title="Agenda")
    info_request = old.apps.get_model("returns", "InformationRequest").objects.filter(case__reference="NVALE-2026-003")[
        0
    ]
    agency_return = old.apps.get_model("returns", "AgencyReturn")
    versions = [
        agency_return.objects.create(
            request=info_request,
            version=90 + number,
            started_by=old.user,
            started_at=UPLOADED_AT,
            updated_at=UPLOADED_AT,
        )
        for number in range(2)
    ]
    shared = f"cases/{info_request.case.uuid}/returns/{uuid.uuid4()}"
    first = old.row("returns.ReturnAttachment", agency_return=versions[0], stored_name=shared)
    copy = old.row(  # the same file, carried into the next version (a row of its own, the same clear file)
        "returns.ReturnAttachment", agency_return=versions[1], stored_name=shared, at=UPLOADED_AT
    )
    kept_key, lost_key = uuid.uuid4().hex, uuid.uuid4().hex
    draft = old.draft({kept_key: b"Initial police report.\n", lost_key: None})
    # Two case documents (the third is missing), the paper, the shared attachment, one draft file (the other lost).
    assert len(stored_blobs(private)) == 5

    capsys.readouterr()
    _migrate()

    from cspr.accounts.models import User
    from cspr.cases import drafts
    from cspr.cases.models import CaseDocument
    from cspr.cases.models_drafts import NotificationDraft
    from cspr.files.models import StoredFile
    from cspr.files.services import StoredFileRefused, stored_file_open
    from cspr.partnerships.scoping import acting_for
    from cspr.rapid_reviews.models import MeetingPaper
    from cspr.returns.models import ReturnAttachment

    reader = acting_for(User.objects.get(email="business.unit@example.org"))
    moved = CaseDocument.objects.get(uuid=document.uuid).stored_file
    assert (moved.uuid, moved.partnership_id, moved.purpose) == (document.uuid, case.partnership_id, "case_document")
    assert (moved.uploaded_by_id, moved.uploaded_at, moved.size) == (old.user.pk, UPLOADED_AT, len(CONTENTS))
    assert moved.sha256 == document.sha256 == hashlib.sha256(CONTENTS).hexdigest()
    # Its title and name are sealed for their new place, no longer for the old one.
    assert (moved.unseal("title"), moved.unseal("original_name")) == (TITLE, NAME)
    with pytest.raises(DecryptionError):
        decrypt(moved.title_sealed, context=seal_context("cases", "casedocument", "title", document.uuid))
    # It opens as it was kept, checked against the checksum recorded at upload, and is not plain on disk.
    opened = stored_file_open(acting=reader, stored_file=moved, reason="Checking the move")
    assert opened.content == CONTENTS
    assert hashlib.sha256(opened.content).hexdigest() == document.sha256
    blob = (private / moved.storage_name).read_bytes()
    assert CONTENTS not in blob
    assert b"Canarywhistle" not in blob
    assert moved.storage_name.startswith(f"files/{case.partnership_id}/{document.uuid}-")

    paper_file = MeetingPaper.objects.get(uuid=paper.uuid).stored_file
    assert (paper_file.uuid, paper_file.purpose, paper_file.unseal("title")) == (paper.uuid, "meeting_paper", "Agenda")
    assert stored_file_open(acting=reader, stored_file=paper_file, reason="Check").content == CONTENTS

    # The versions of a return share one stored file, made from the earliest row (its uuid).
    attachments = ReturnAttachment.objects.filter(uuid__in=[first.uuid, copy.uuid])
    assert {attachment.stored_file_id for attachment in attachments} == {StoredFile.objects.get(uuid=first.uuid).pk}
    assert StoredFile.objects.filter(purpose="return_attachment").count() == 1

    # The draft's document is a notification document under its key; the answers still name it.
    sent = StoredFile.objects.get(uuid=uuid.UUID(kept_key))
    assert (sent.purpose, sent.uploaded_by_id) == ("notification_document", old.user.pk)
    assert (sent.unseal("title"), sent.unseal("original_name")) == ("Police report 1", "report-1.txt")
    assert stored_file_open(acting=reader, stored_file=sent, reason="Check").content == b"Initial police report.\n"
    live_draft = NotificationDraft.objects.get(uuid=draft.uuid)
    assert [item["key"] for item in live_draft.answers["documents"]] == [kept_key, lost_key]

    # What could not be read is kept as a record, named on the output, and never served.
    out = capsys.readouterr().out
    assert f"cases.CaseDocument {missing.uuid}: no file found" in out
    assert f"cases.CaseDocument {changed.uuid}: the file does not match its recorded checksum" in out
    assert f"cases.NotificationDraft document {uuid.UUID(lost_key)}: no file found" in out
    assert "case documents: 3 moved onto the file store" in out
    for row, problem in ((missing, "missing"), (changed, "checksum")):
        kept_as_record = CaseDocument.objects.get(uuid=row.uuid).stored_file
        with pytest.raises(StoredFileRefused) as refused:
            stored_file_open(acting=reader, stored_file=kept_as_record, reason="Check")
        assert refused.value.problem == problem
    attached = [drafts.DraftDocument.from_answer(item) for item in live_draft.answers["documents"]]
    with pytest.raises(drafts.documents.FileRejected, match="can no longer be read"):
        drafts._documents_sent(live_draft, attached)

    # The clear files and the draft files are gone, and their folders; only the store's blobs are left.
    assert not (private / "cases").exists()
    assert not (private / "drafts").exists()
    assert all(path.relative_to(private).parts[0] == "files" for path in stored_blobs(private))
    assert len(stored_blobs(private)) == 5  # the two missing files have no blob
    with connection.cursor() as cursor:
        columns = {
            column.name for column in connection.introspection.get_table_description(cursor, "cases_casedocument")
        }
    assert columns == {"id", "uuid", "case_id", "stored_file_id"}

    # Going back would write the files back in clear: refused, with nothing changed.
    with pytest.raises(RuntimeError, match="restore the database and PRIVATE_MEDIA_ROOT"):
        _migrate(BEFORE)
    _migrate()
    assert CaseDocument.objects.filter(case_id=case.pk).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_move_that_fails_keeps_every_clear_file_and_leaves_no_blob(
    demo: dict, private: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _migrate(BEFORE)
    old = Old(private)
    case = old.apps.get_model("cases", "Case").objects.get(reference="NVALE-2026-005")
    rows = [old.row("cases.CaseDocument", case=case) for _ in range(2)]
    clear = {path: path.read_bytes() for path in stored_blobs(private)}

    def fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(moving, "_move_draft_documents", fails)  # after every case document has moved
    with pytest.raises(RuntimeError, match="went away"):
        _migrate()
    assert {path: path.read_bytes() for path in stored_blobs(private)} == clear
    assert not (private / "files").exists() or stored_blobs(private / "files") == []
    model = old.apps.get_model("cases", "CaseDocument")
    assert all(row.stored_file_id is None for row in model.objects.filter(pk__in=[row.pk for row in rows]))
    demos = ["letterhead_logo", "review_draft"]  # the demo's own: its letterhead's logo, its local review's drafts
    assert not old.apps.get_model("files", "StoredFile").objects.exclude(purpose__in=demos).exists()

    monkeypatch.undo()
    _migrate()  # run again, it moves them
    assert not (private / "cases").exists()
    assert len(stored_blobs(private / "files")) == 2
