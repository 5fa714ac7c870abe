"""The pieces a kind of form page is made of: the ``act`` that hands a form's fields to a service by name, and a
context that joins what the kind of page always shows with the page's own."""

from __future__ import annotations

from typing import Any, cast

import pytest

from cspr.core.form_views import calls, context_with
from cspr.kernel.acting import Acting

ACTING = cast(Acting, "acting")


def record(**kwargs: Any) -> dict[str, Any]:
    return kwargs


def test_calls_passes_the_acting_value_what_is_given_and_the_named_fields() -> None:
    act = calls(record, "kind", "done_on", case="the case")
    answer = act(ACTING, {"kind": "notify", "done_on": "2026-01-05", "note": "not asked for"})
    assert answer == {"acting": "acting", "case": "the case", "kind": "notify", "done_on": "2026-01-05"}


def test_calls_leaves_out_a_field_the_form_does_not_have_so_the_service_default_stands() -> None:
    def service(*, acting: Any, reason: str, late_reason: str = "no reason needed") -> str:
        return late_reason

    assert calls(service, "reason", "late_reason")(ACTING, {"reason": "why"}) == "no reason needed"


def test_the_page_context_joins_what_the_kind_of_page_always_shows() -> None:
    assert context_with({"case": 1}, {"clock": 2})() == {"case": 1, "clock": 2}
    assert context_with({"case": 1}, None)() == {"case": 1}


def test_a_context_given_as_a_function_is_read_only_when_the_page_is_shown() -> None:
    reads = []

    def context() -> dict[str, Any]:
        reads.append(1)
        return {"state": "now"}

    shown = context_with({"case": 1}, context)
    assert reads == []
    assert shown() == {"case": 1, "state": "now"}
    assert reads == [1]


def test_calls_refuses_at_once_a_name_the_service_does_not_take() -> None:
    def service(*, acting: Any, case: Any, reason: str) -> None: ...

    with pytest.raises(TypeError, match="takes no keyword late_reason, note"):
        calls(service, "reason", "late_reason", case="the case", note="")
    calls(service, "reason", case="the case")  # every name known: the act is made
