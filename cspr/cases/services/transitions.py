"""Which service makes each transition of the lifecycle table.

A service that moves a case on declares the transitions it makes with ``@makes_transitions(...)``; the lifecycle
table's test walks every transition and fails when one has no service (the stages still to be built are listed there
by name, each issue removing its own). One service per transition: the table's rule (roles, reason, guards) is then
enforced in one place, by :func:`cspr.cases.services.routing.case_advance` or ``case_route``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cspr.domain.lifecycle import TRANSITIONS

TRANSITION_SERVICES: dict[str, str] = {}
"""Transition name → the dotted name of the service that makes it."""


def makes_transitions[F: Callable[..., Any]](*names: str) -> Callable[[F], F]:
    """Record that the decorated service makes the named transitions (returned unchanged)."""

    def record(service: F) -> F:
        register_transitions(names, f"{service.__module__}.{service.__qualname__}")
        return service

    return record


def register_transitions(names: Iterable[str], service: str) -> None:
    for name in names:
        if name not in TRANSITIONS:
            raise ValueError(f"{service} declares {name!r}, which is not a transition of the lifecycle table.")
        if TRANSITION_SERVICES.get(name, service) != service:
            raise ValueError(f"{name!r} is made by {TRANSITION_SERVICES[name]} already; one service per transition.")
        TRANSITION_SERVICES[name] = service
