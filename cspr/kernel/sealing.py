"""Sealed columns: how a model declares them, how reads of them are audited, and how migrations move them.

A sealed value lives in a ``<field>_sealed`` text column, encrypted with :func:`cspr.kernel.crypto.encrypt` under the
context ``"<app_label>.<model_name>.<field>.<row uuid>"`` (ADR 0009). Three things here keep that one mechanism:

- A model with sealed columns is a :class:`SealedModel` (its ``uuid`` and ``seal``/``unseal``);
  :func:`sealed_text` declares such a column (``reason_sealed = sealed_text("Why ...")``) and
  :func:`sealed_field_names` finds every one of a model, so rotation and checks never list fields by hand.
- :func:`reading` collects, for one request, the context of every value decrypted through
  ``SealedFieldsMixin.unseal``; :class:`SealedReadAuditMiddleware` then writes one audit event naming those places
  (never their values), so every page or API answer that reveals sealed text is on the audit trail.
- :func:`seal_clear_columns` (clear column to sealed column) and :func:`reseal_moved` (a model that changed app or
  table) are for data migrations, with the historical models they are given.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from cspr.kernel.crypto import decrypt, encrypt
from cspr.kernel.records import NamedById

SUFFIX = "_sealed"
READ_VERB = "sealed_text.read"
MAX_NAMED_READS = 200


def sealed_text(help_text: str = "", *, blank: bool = True) -> models.TextField:
    """A ``<field>_sealed`` column: ciphertext only, read through ``unseal("<field>")``."""
    return models.TextField(blank=blank, help_text=help_text or "Encrypted (ADR 0009).")


def sealed_field_names(model: Any) -> tuple[str, ...]:
    """The logical names (``reason`` for ``reason_sealed``) of a model's sealed columns, in declaration order."""
    return tuple(
        field.name[: -len(SUFFIX)]
        for field in model._meta.concrete_fields
        if field.name.endswith(SUFFIX) and isinstance(field, models.TextField)
    )


def seal_context(app_label: str, model_name: str, field: str, row_uuid: Any) -> str:
    return f"{app_label}.{model_name.lower()}.{field}.{row_uuid}"


# -- audited reads --------------------------------------------------------------------------------------------------

_reads: ContextVar[list[str] | None] = ContextVar("sealed_reads", default=None)


def note_read(context: str) -> None:
    """Called for each value decrypted for a reader; remembered only while :func:`reading` is active."""
    reads = _reads.get()
    if reads is not None and context not in reads:
        reads.append(context)


@contextlib.contextmanager
def reading() -> Iterator[list[str]]:
    """Collect the places of the sealed values decrypted inside the block."""
    reads: list[str] = []
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def read_details(reads: list[str], *, view: str) -> dict[str, Any]:
    """What the audit trail keeps about the reads of one request: places (app.model.field.row uuid), no values."""
    return {"view": view, "count": len(reads), "places": reads[:MAX_NAMED_READS]}


class SealedReadAuditMiddleware:
    """One audit event per request that decrypted sealed values for someone, naming the places it read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reading() as reads:
            response = self.get_response(request)
            if reads:
                self._record(request, list(reads))
        return response

    @staticmethod
    def _record(request: HttpRequest, reads: list[str]) -> None:
        from cspr.audit.services import audit_record, client_ip

        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        audit_record(
            actor=user if user is not None and user.is_authenticated else None,
            verb=READ_VERB,
            details=read_details(reads, view=match.view_name if match else ""),
            # The id, which the middleware always set: the row itself would be read for a page that never showed it.
            partnership=getattr(request, "partnership_id", None),
            ip_address=client_ip(request),
        )


class SealedFieldsMixin:
    """Reading and writing ``<field>_sealed`` columns with the row's own context (ADR 0009).

    A model takes it through :class:`SealedModel`, which adds the ``uuid`` the context needs. Declare a column with
    :func:`cspr.kernel.sealing.sealed_text`; every ``*_sealed`` column is found by
    :func:`cspr.kernel.sealing.sealed_field_names`. Each ``unseal`` is noted for the request's audit event
    (:class:`cspr.kernel.sealing.SealedReadAuditMiddleware`); ``is_recorded`` tells whether a value exists without
    reading it (what a role that may not read the words is shown).
    """

    uuid: uuid.UUID
    _meta: Any

    def seal_context(self, field: str) -> str:
        return seal_context(self._meta.app_label, self._meta.model_name, field, self.uuid)

    def seal(self, field: str, value: str) -> None:
        """Store ``value`` encrypted in ``<field>_sealed`` ("" stays "": nothing to hide)."""
        setattr(self, f"{field}_sealed", encrypt(value, context=self.seal_context(field)) if value else "")

    def unseal(self, field: str) -> str:
        token = getattr(self, f"{field}_sealed")
        if not token:
            return ""
        context = self.seal_context(field)
        value = decrypt(token, context=context)
        note_read(context)
        return value

    def is_recorded(self, field: str) -> bool:
        return bool(getattr(self, f"{field}_sealed"))

    def seal_list(self, field: str, values: list[str] | tuple[str, ...]) -> None:
        """A list of short texts (agencies as named, parallel processes), sealed as one JSON value."""
        cleaned = [value for value in values if value]
        self.seal(field, json.dumps(cleaned, separators=(",", ":")) if cleaned else "")

    def unseal_list(self, field: str) -> list[str]:
        text = self.unseal(field)
        value = json.loads(text) if text else []
        return [str(item) for item in value] if isinstance(value, list) else []


class SealedModel(SealedFieldsMixin, NamedById):
    """The base of a model with sealed columns: the row's ``uuid`` names it in every sealed value's context, so it
    is given once, when the row is made, and never changes (a value copied to another row does not decrypt). The row
    is named by its kind and id (:class:`~cspr.kernel.records.NamedById`), never by its words."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


# -- data migrations ------------------------------------------------------------------------------------------------


def _rows(model: Any, fields: Iterable[str], *, where: dict[str, Any] | None = None) -> Iterator[Any]:
    rows = model._default_manager.filter(**(where or {}))
    yield from rows.only("pk", "uuid", *fields).order_by("pk").iterator(chunk_size=500)


def uuids_fill(apps: Any, schema_editor: Any, *, model: str) -> None:
    """Give every existing row of ``model`` ("app.Model") its own uuid (a column added as nullable first)."""
    import uuid

    historical = apps.get_model(model)
    for pk in historical._default_manager.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
        historical._default_manager.filter(pk=pk).update(uuid=uuid.uuid4())


def seal_clear_columns(
    apps: Any, schema_editor: Any, *, model: str, fields: Iterable[str], json_lists: bool = False
) -> None:
    """Copy each clear ``<field>`` of ``model`` into ``<field>_sealed``, encrypted with the row's context.

    With ``json_lists`` the clear columns hold JSON lists, which are sealed as JSON text ("" for an empty list).
    """
    historical = apps.get_model(model)
    meta = historical._meta
    fields = tuple(fields)
    for row in _rows(historical, fields):
        changes = {}
        for name in fields:
            value = getattr(row, name)
            if json_lists:
                value = json.dumps(list(value), separators=(",", ":")) if value else ""
            value = value or ""
            context = seal_context(meta.app_label, meta.model_name, name, row.uuid)
            changes[f"{name}{SUFFIX}"] = encrypt(value, context=context) if value else ""
        historical._default_manager.filter(pk=row.pk).update(**changes)


def unseal_to_clear_columns(
    apps: Any, schema_editor: Any, *, model: str, fields: Iterable[str], json_lists: bool = False
) -> None:
    """The reverse of :func:`seal_clear_columns`, so the migration can be unapplied."""
    historical = apps.get_model(model)
    meta = historical._meta
    fields = tuple(fields)
    for row in _rows(historical, [f"{name}{SUFFIX}" for name in fields]):
        changes: dict[str, Any] = {}
        for name in fields:
            token = getattr(row, f"{name}{SUFFIX}")
            context = seal_context(meta.app_label, meta.model_name, name, row.uuid)
            value = decrypt(token, context=context) if token else ""
            changes[name] = (json.loads(value) if value else []) if json_lists else value
        historical._default_manager.filter(pk=row.pk).update(**changes)


def reseal_moved(
    apps: Any, schema_editor: Any, *, old: str, new: str, fields: Iterable[str], where: dict[str, Any] | None = None
) -> int:
    """Re-encrypt sealed values that were bound to ``old`` ("app.model") for their new place ``new``.

    Run it in the data migration of a refactor that moves a model to another app, renames it, or merges it into
    another table: the rows (and their uuids) must already be in ``new``'s table, with the ciphertext copied as it
    was. Each value is decrypted under ``old.<field>.<uuid>`` and sealed again under ``new.<field>.<uuid>``; a
    value already under the new context is left alone, so the step can run twice. When rows moved into one table
    from several places, ``where`` (filter arguments) picks those that came from ``old``. Returns the values
    re-sealed.
    """
    old_app, _, old_model = old.partition(".")
    new_app, _, new_model = new.partition(".")
    historical = apps.get_model(new_app, new_model)
    fields = tuple(fields)
    count = 0
    rows = _rows(historical, [f"{name}{SUFFIX}" for name in fields], where=where)
    for row in rows:
        changes = {}
        for name in fields:
            token = getattr(row, f"{name}{SUFFIX}")
            if not token:
                continue
            new_context = seal_context(new_app, new_model, name, row.uuid)
            try:
                decrypt(token, context=new_context)
                continue  # already bound to the new place
            except ValueError:
                pass
            value = decrypt(token, context=seal_context(old_app, old_model, name, row.uuid))
            changes[f"{name}{SUFFIX}"] = encrypt(value, context=new_context)
        if changes:
            historical._default_manager.filter(pk=row.pk).update(**changes)
            count += len(changes)
    return count
