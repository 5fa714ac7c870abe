from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from cspr.accounts.models import User
from cspr.audit.models import AuditChainHead, AuditEvent, AuditTrailIsAppendOnly
from cspr.audit.selectors import audit_chain_problems
from cspr.audit.services import IdentifyingDetailInAudit, audit_record


def test_each_event_is_chained_to_the_one_before_and_signed_with_the_newest_key(
    chain: list[AuditEvent], settings: Any
) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 10
    for earlier, later in itertools.pairwise(events):
        assert later.previous_hash == earlier.hash
    assert {event.key_id for event in chain} == {settings.AUDIT_CHAIN_KEYS[0][0]}
    assert list(audit_chain_problems()) == []
    call_command("verify_audit_chain")


def test_events_cannot_be_changed_or_deleted_through_the_model(demo: object) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.verb = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()


@pytest.mark.django_db
def test_postgresql_itself_refuses_updates_and_deletes_of_audit_events() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    from django.db import DatabaseError

    audit_record(actor=None, verb="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(verb="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["name", "date_of_birth", "NHS_number", "address"])
def test_identifying_details_are_refused_in_audit_details(key: str) -> None:
    with pytest.raises(IdentifyingDetailInAudit):
        audit_record(actor=None, verb="test.event", details={"child": {key: "anything"}})
    assert not AuditEvent.objects.filter(verb="test.event").exists()


def test_an_event_rolled_back_with_its_change_leaves_the_chain_whole_and_no_checkpoint(
    chain: list[AuditEvent], checkpoint_store: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            audit_record(actor=None, verb="rolled.back")
            raise RuntimeError

    length_before = AuditChainHead.objects.get().length
    lines_before = len((checkpoint_store / "audit-checkpoints.jsonl").read_text().splitlines())
    with django_capture_on_commit_callbacks(execute=True):
        kept = audit_record(actor=None, verb="kept")
        with pytest.raises(RuntimeError):
            change_that_fails()
        audit_record(actor=None, verb="kept.too")
    assert list(AuditEvent.objects.filter(id__gte=kept.id).values_list("verb", flat=True)) == ["kept", "kept.too"]
    assert AuditChainHead.objects.get().length == length_before + 2
    lines = (checkpoint_store / "audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["length"] for line in lines[lines_before:]] == [length_before + 1, length_before + 2]
    assert list(audit_chain_problems()) == []


def test_refused_requests_are_audited_with_who_and_what(
    client_as: Callable[[str], Client], user: Callable[[str], User]
) -> None:
    client_as("notifier@example.org").get("/audit/")
    event = AuditEvent.objects.filter(verb="access.refused").latest("id")
    assert event.actor == user("notifier@example.org")
    assert event.details["path"] == "/audit/"
    assert event.details["status"] == 403


def test_the_auditor_reads_the_partnerships_trail_and_not_another_partnerships(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("auditor@example.org")
    newest = AuditEvent.objects.filter(partnership__code="NVALE").latest("id")
    oldest = AuditEvent.objects.filter(partnership__code="NVALE").earliest("id")
    page = client.get("/audit/").content.decode()
    assert newest.verb in page
    assert oldest.verb not in page
    last_page = client.get("/audit/?page=9999").content.decode()  # a number past the end gives the last page
    assert oldest.verb in last_page
    assert "Sol Braddock" not in page


def test_the_client_address_behind_our_own_proxies_is_the_one_they_added(settings: Any, rf: Any) -> None:
    from cspr.audit.services import client_ip

    direct = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(direct) == "203.0.113.9"  # no proxy trusted: a client's own header counts for nothing
    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"  # what our proxy saw, not what the client claimed
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
