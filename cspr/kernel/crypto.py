"""Encryption of identifying details at rest, and keyed hashes for comparing them.

Values are sealed with AES-256-GCM. The associated data (``context``) names the table,
field and row a value belongs to, so a value copied into another row, or another field,
does not decrypt. Keys live outside the database (environment, or a key file under
``var/`` for local use), are identified by a key id carried in every token, and can be
rotated: encryption uses the newest key, decryption whichever key the token names.

Keyed hashes (HMAC-SHA256 with a separate key) let the service find "the same child"
without ever comparing names or dates of birth in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_VERSION = "v1"  # noqa: S105 - a format marker, not a secret
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(ValueError):
    """The token is damaged, belongs to another row or field, or its key is not in the keyring."""


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]  # (key id, key), newest first
    lookup_key: bytes

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def key(self, key_id: str) -> bytes:
        for candidate_id, key in self.keys:
            if candidate_id == key_id:
                return key
        raise DecryptionError(f"No key with id '{key_id}' is configured.")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parse_keys(
    entries: list[str] | tuple[str, ...], *, setting: str = "FIELD_ENCRYPTION_KEYS"
) -> tuple[tuple[str, bytes], ...]:
    """``["2026a:<base64 key>", …]`` newest first → ((id, key), …), each key checked to be 32 bytes.

    The one parser for every keyring the service keeps (field encryption keys, the audit chain's keys);
    ``setting`` names the setting in the messages, so a bad entry says where to look.
    """
    keys: list[tuple[str, bytes]] = []
    for entry in entries:
        key_id, _, encoded = entry.strip().partition(":")
        if not key_id or not encoded or not key_id.isalnum():
            raise ImproperlyConfigured(f"Write each key in {setting} as keyid:base64key (id: letters and digits).")
        try:
            key = _b64decode(encoded)
        except ValueError:
            raise ImproperlyConfigured(f"Key '{key_id}' in {setting} is not valid base64.") from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"Key '{key_id}' in {setting} must be {KEY_BYTES} bytes.")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured(f"No key is configured in {setting}.")
    if len({key_id for key_id, _ in keys}) != len(keys):
        raise ImproperlyConfigured(f"The key ids in {setting} must be unique.")
    return tuple(keys)


def new_key_entry(key_id: str) -> str:
    return f"{key_id}:{_b64encode(secrets.token_bytes(KEY_BYTES))}"


@lru_cache(maxsize=4)
def _keyring(entries: tuple[str, ...], lookup: str) -> Keyring:
    lookup_key = _b64decode(lookup) if lookup else b""
    if len(lookup_key) < KEY_BYTES:
        raise ImproperlyConfigured("LOOKUP_HASH_KEY must be a base64 secret of at least 32 bytes.")
    return Keyring(keys=parse_keys(entries), lookup_key=lookup_key)


def check_field_keys(entries: list[str], lookup: str) -> None:
    """Raise ImproperlyConfigured unless the keys are well formed (used by the production settings at start)."""
    _keyring(tuple(entries), lookup)


def keyring() -> Keyring:
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.LOOKUP_HASH_KEY)


def encrypt(plaintext: str, *, context: str) -> str:
    """Seal ``plaintext`` for the place named by ``context`` (table.field.row)."""
    if not context:
        raise ValueError("Encryption needs a context naming the table, field and row.")
    key_id, key = keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{TOKEN_VERSION}:{key_id}:{_b64encode(nonce + sealed)}"


def decrypt(token: str, *, context: str) -> str:
    try:
        version, key_id, body = token.split(":", 2)
    except ValueError:
        raise DecryptionError("This is not an encrypted value.") from None
    if version != TOKEN_VERSION:
        raise DecryptionError(f"Unknown token version '{version}'.")
    raw = _b64decode(body)
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        return AESGCM(keyring().key(key_id)).decrypt(nonce, sealed, context.encode("utf-8")).decode("utf-8")
    except InvalidTag:
        raise DecryptionError("The value does not belong here, or it was changed.") from None


def needs_rotation(token: str) -> bool:
    """Whether the token was sealed with a key other than the newest."""
    return token.split(":", 2)[1:2] != [keyring().current[0]]


def normalise(text: str) -> str:
    """Case, accents' composition and spacing folded, so "  Amy  O'Neil" and "amy o'neil" match."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def lookup_hash(*parts: str) -> str:
    """A keyed hash of the normalised parts, for equality checks without the values in clear."""
    message = "\x1f".join(normalise(part) for part in parts).encode("utf-8")
    return hmac.new(keyring().lookup_key, message, hashlib.sha256).hexdigest()
