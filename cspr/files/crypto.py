"""The contents of stored files, encrypted at rest with AES-256-GCM under the ``FILE_KEYS`` keyring (ADR 0016).

A stored blob is a header followed by the ciphertext::

    b"CSPRFILE" | format version (1 byte) | key id length (1 byte) | key id (ASCII) | nonce (12 bytes)
    | AES-256-GCM ciphertext of the whole file, with its 16-byte tag

The associated data is ``files.storedfile.contents.<file uuid>`` followed by the header, so a blob copied onto
another row (another uuid), or one whose header was edited, fails authentication instead of decrypting. The header
names the key the blob was written under: a file written before a rotation still opens while its key stays in
``FILE_KEYS`` (newest first, parsed by :func:`cspr.kernel.crypto.parse_keys`), and the row's ``key_id`` says which
files a re-encryption still has to reach.

**In memory, one message per file, not in chunks.** A file is at most ``CASE_DOCUMENT_MAX_BYTES`` (20 MB), so the
plain contents and the ciphertext fit in a worker's memory together (about twice the file while an upload or a
download is in progress). One GCM message has one tag over the whole file: nothing of a file can be released before
all of it is authenticated, and a download must in any case compare the whole file's checksum before it serves its
first byte. A chunked format would need framing of its own (a chunk counter and a last-chunk mark in each chunk's
associated data) so that chunks cannot be dropped, reordered or cut short — more to get wrong, and no gain at this
size. Should the size limit grow far beyond this, move to chunks decrypted into a private temporary file.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from cspr.kernel.crypto import NONCE_BYTES, parse_keys

MAGIC = b"CSPRFILE"
FORMAT_VERSION = 1
CONTEXT = "files.storedfile.contents"


class ContentsUnreadable(ValueError):
    """The blob is not one of ours, was changed, belongs to another file, or its key is not in ``FILE_KEYS``."""


@lru_cache(maxsize=4)
def _parsed(entries: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    return parse_keys(entries, setting="FILE_KEYS")


def file_keys() -> tuple[tuple[str, bytes], ...]:
    """The ``FILE_KEYS`` keyring as (key id, key) pairs, newest first."""
    return _parsed(tuple(settings.FILE_KEYS))


def current_key_id() -> str:
    return file_keys()[0][0]


def _key(key_id: str) -> bytes:
    for candidate, key in file_keys():
        if candidate == key_id:
            return key
    raise ContentsUnreadable(f"No key with id '{key_id}' is configured in FILE_KEYS.")


def _header(key_id: str, nonce: bytes) -> bytes:
    encoded = key_id.encode("ascii")
    if not 0 < len(encoded) < 256:
        raise ValueError("A file key id must be 1 to 255 characters.")
    return MAGIC + bytes([FORMAT_VERSION, len(encoded)]) + encoded + nonce


def _associated_data(file_uuid: uuid.UUID | str, header: bytes) -> bytes:
    return f"{CONTEXT}.{uuid.UUID(str(file_uuid))}".encode("ascii") + header


def _split(blob: bytes) -> tuple[str, bytes, bytes, bytes]:
    """(key id, nonce, header, ciphertext) of a blob, or :class:`ContentsUnreadable`."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 2:
        raise ContentsUnreadable("This is not a stored file.")
    version, length = blob[len(MAGIC)], blob[len(MAGIC) + 1]
    if version != FORMAT_VERSION:
        raise ContentsUnreadable(f"Unknown stored file format {version}.")
    start = len(MAGIC) + 2
    end = start + length + NONCE_BYTES
    if length == 0 or len(blob) < end:
        raise ContentsUnreadable("The stored file's header is cut short.")
    try:
        key_id = blob[start : start + length].decode("ascii")
    except UnicodeDecodeError:
        raise ContentsUnreadable("The stored file's key id is not readable.") from None
    return key_id, blob[start + length : end], blob[:end], blob[end:]


def blob_key_id(blob: bytes) -> str:
    """The id of the key a blob was written under, read from its header (nothing is decrypted)."""
    return _split(blob)[0]


def seal_contents(plain: bytes, *, file_uuid: uuid.UUID | str) -> tuple[str, bytes]:
    """The blob of ``plain`` for the file ``file_uuid``, under the newest key: (key id, blob)."""
    key_id, key = file_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    header = _header(key_id, nonce)
    return key_id, header + AESGCM(key).encrypt(nonce, plain, _associated_data(file_uuid, header))


def open_contents(blob: bytes, *, file_uuid: uuid.UUID | str) -> tuple[str, bytes]:
    """The plain contents of the file ``file_uuid`` from its blob: (key id it was under, contents)."""
    key_id, nonce, header, ciphertext = _split(blob)
    try:
        plain = AESGCM(_key(key_id)).decrypt(nonce, ciphertext, _associated_data(file_uuid, header))
    except InvalidTag:
        raise ContentsUnreadable("The stored file does not belong to this row, or it was changed.") from None
    return key_id, plain
