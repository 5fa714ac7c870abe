"""Fixtures for the file store: a storage folder of each test's own, and the people who keep files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.accounts.models import User
from cspr.files import services
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import stored_file_create
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from tests.support import private_storage

# Invented and obviously fictional: the tests look for them where they must never appear.
TITLE = "Statement of Quillon Canarywhistle"
FILE_NAME = "Quillon Canarywhistle statement.txt"
CONTENTS = b"Quillon Canarywhistle told the health visitor about the fall.\n"
DEFAULT_UPLOAD = object()


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    """The private_files storage in a folder of this test's own (and uploads checked in another); its root."""
    root = private_storage(settings, tmp_path / "private")
    checking = tmp_path / "checking"
    checking.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(checking)
    return root


def blobs(root: Path) -> list[Path]:
    """Every file under a storage folder (or a checking folder)."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@contextmanager
def audit_trail_failing() -> Iterator[None]:
    """The block runs while the file services cannot write to the audit trail, and must fail for that reason."""

    def failing_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit trail could not be written")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "audit", failing_audit)
        with pytest.raises(RuntimeError, match="audit trail"):
            yield


@pytest.fixture
def northvale(demo: dict[str, Partnership]) -> Partnership:
    return demo["northvale"]


@pytest.fixture
def business_unit(demo: dict[str, Partnership]) -> Acting:
    person = User.objects.get(email="business.unit@example.org")
    return acting_for(person, partnership_id=demo["northvale"].pk, client_ip="192.0.2.7", via="web")


def text_upload(name: str = FILE_NAME, content: bytes = CONTENTS) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def keep(store: Path, northvale: Partnership, business_unit: Acting) -> Callable[..., StoredFile]:
    """Keep a file as the Northvale business unit (a case document, the canary title and name by default)."""

    def do(*, upload: Any = DEFAULT_UPLOAD, title: str = TITLE, **changes: Any) -> StoredFile:
        arguments: dict[str, Any] = {
            "acting": business_unit,
            "partnership": northvale,
            "upload": text_upload() if upload is DEFAULT_UPLOAD else upload,
            "purpose": Purpose.CASE_DOCUMENT,
            "title": title,
        }
        return stored_file_create(**{**arguments, **changes})

    return do
