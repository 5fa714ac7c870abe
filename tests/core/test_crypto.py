"""Identifying details sealed to their place: wrong row, wrong field or a changed byte does not decrypt."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from cspr.kernel import crypto

CONTEXT = "cases.child.name.7f6e0a4c-1111-4c8e-9a55-2b0d7a3c9e10"


@given(st.text(max_size=300))
def test_a_value_comes_back_exactly_in_its_own_place(value: str) -> None:
    assert crypto.decrypt(crypto.encrypt(value, context=CONTEXT), context=CONTEXT) == value


def test_the_token_reveals_nothing_of_the_value() -> None:
    token = crypto.encrypt("Amelia Thornbury", context=CONTEXT)
    assert "Amelia" not in token
    assert token.startswith("v1:test2:")
    assert crypto.encrypt("Amelia Thornbury", context=CONTEXT) != token  # a fresh nonce each time


@pytest.mark.parametrize(
    "other_context",
    [
        "cases.child.name.00000000-0000-0000-0000-000000000000",  # another row
        "cases.child.other_names.7f6e0a4c-1111-4c8e-9a55-2b0d7a3c9e10",  # another field
        "cases.householdmember.name.7f6e0a4c-1111-4c8e-9a55-2b0d7a3c9e10",  # another table
    ],
)
def test_a_value_copied_elsewhere_does_not_decrypt(other_context: str) -> None:
    token = crypto.encrypt("Amelia Thornbury", context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context=other_context)


def test_a_changed_token_does_not_decrypt() -> None:
    token = crypto.encrypt("Amelia Thornbury", context=CONTEXT)
    head, body = token.rsplit(":", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{head}:{flipped}", context=CONTEXT)


def test_values_sealed_with_an_older_key_still_open_and_are_marked_for_rotation(settings: object) -> None:
    token = crypto.encrypt("Amelia Thornbury", context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = [*reversed(settings.FIELD_ENCRYPTION_KEYS)]  # type: ignore[attr-defined]
    assert crypto.needs_rotation(token)
    assert crypto.decrypt(token, context=CONTEXT) == "Amelia Thornbury"
    assert not crypto.needs_rotation(crypto.encrypt("x", context=CONTEXT))


def test_a_token_whose_key_was_removed_is_refused(settings: object) -> None:
    token = crypto.encrypt("Amelia Thornbury", context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[1:]  # type: ignore[attr-defined]
    with pytest.raises(crypto.DecryptionError, match="No key with id 'test2'"):
        crypto.decrypt(token, context=CONTEXT)


@pytest.mark.parametrize(
    "entries",
    [[], ["nokey"], ["bad id:" + "A" * 43], ["short:AAAA"], ["same:" + "A" * 43, "same:" + "B" * 43]],
)
def test_misconfigured_keys_are_refused(entries: list[str]) -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(entries)


def test_lookup_hashes_match_regardless_of_case_and_spacing() -> None:
    assert crypto.lookup_hash("  Amelia   THORNBURY ", "2019-04-02") == crypto.lookup_hash(
        "amelia thornbury", "2019-04-02"
    )
    assert crypto.lookup_hash("Amelia Thornbury", "2019-04-02") != crypto.lookup_hash("Amelia Thornbury", "2019-04-03")
    assert "amelia" not in crypto.lookup_hash("Amelia", "")
