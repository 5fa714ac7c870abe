"""Sealed values follow their model when it moves, and the migration that sealed free text keeps what was written."""

from __future__ import annotations

import pytest
from django.apps import apps as live_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cspr.accounts.models import User
from cspr.cases.models import Case, CaseLink, FamilyNotYetTold, FamilyTold, LocalAuthorityDecision
from cspr.cases.services import case_link
from cspr.kernel.crypto import DecryptionError, decrypt, encrypt
from cspr.kernel.sealing import reseal_moved, seal_context
from cspr.partnerships.scoping import acting_for


def test_values_sealed_for_the_old_place_decrypt_at_the_new_place_after_reseal_moved(demo: dict) -> None:
    """A refactor moves ``oldapp.Link`` into ``cases.CaseLink``: its ciphertext was copied as it was."""
    business_unit = User.objects.get(email="business.unit@example.org")
    for other in ("NVALE-2026-001", "NVALE-2026-003"):
        case_link(
            acting=acting_for(business_unit), case=Case.objects.get(reference="NVALE-2026-005"), other_reference=other
        )
    links = list(CaseLink.objects.all()[:3])
    assert len(links) == 3
    for number, link in enumerate(links):
        token = encrypt(f"Moved note {number}", context=seal_context("oldapp", "link", "note", link.uuid))
        CaseLink.objects.filter(pk=link.pk).update(note_sealed=token)
    with pytest.raises(DecryptionError):  # before: bound to the old place
        CaseLink.objects.get(pk=links[0].pk).unseal("note")

    resealed = reseal_moved(live_apps, None, old="oldapp.link", new="cases.caselink", fields=["note"])

    assert resealed == len(links)
    for number, link in enumerate(links):
        row = CaseLink.objects.get(pk=link.pk)
        assert row.unseal("note") == f"Moved note {number}"
        with pytest.raises(DecryptionError):  # no longer valid at the old place
            decrypt(row.note_sealed, context=seal_context("oldapp", "link", "note", row.uuid))
    # Running the step again changes nothing.
    assert reseal_moved(live_apps, None, old="oldapp.link", new="cases.caselink", fields=["note"]) == 0


BEFORE = [
    ("cases", "0006_list_indexes"),
    ("rapid_reviews", "0002_criteria_not_met_closure"),
    ("returns", "0002_inbox_index"),
]
AFTER = [
    ("cases", "0007_seal_free_text"),
    ("rapid_reviews", "0003_seal_free_text"),
    ("returns", "0003_seal_attachment_titles"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_values_written_before_it_and_drops_the_clear_columns(demo: dict) -> None:
    # What the family was told on a case without a rapid review has no place in the tables before
    # cases.0015_family_told_moved, which refuses to go back over such rows: the demo's are not this test's subject.
    FamilyTold.objects.all().delete()
    FamilyNotYetTold.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_decision = old_apps.get_model("cases", "LocalAuthorityDecision")
    old_case = old_apps.get_model("cases", "Case")
    old_clock = old_apps.get_model("cases", "CaseClock")
    decision_id = old_decision.objects.order_by("id").values_list("id", flat=True).first()
    assert decision_id is not None
    old_decision.objects.filter(id=decision_id).update(reason="Written before: Fennimore Oldvalue decided")
    case_id = old_case.objects.order_by("id").values_list("id", flat=True).first()
    old_case.objects.filter(id=case_id).update(agencies_involved=["Fennimore's nursery"], parallel_processes=[])
    clock_id = old_clock.objects.order_by("id").values_list("id", flat=True).first()
    old_clock.objects.filter(id=clock_id).update(late_reason="Fennimore was away", extension_agreed_by="")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # On to the latest migrations, so the live models (and every later test) find the schema they expect.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from cspr.cases.models import Case, CaseClock

    assert LocalAuthorityDecision.objects.get(id=decision_id).unseal("reason") == (
        "Written before: Fennimore Oldvalue decided"
    )
    case = Case.objects.get(id=case_id)
    assert case.unseal_list("agencies_involved") == ["Fennimore's nursery"]
    assert case.unseal_list("parallel_processes") == []
    clock = CaseClock.objects.get(id=clock_id)
    assert (clock.unseal("late_reason"), clock.unseal("extension_agreed_by")) == ("Fennimore was away", "")
    # Every row got its own uuid (the context names the row).
    assert CaseClock.objects.values("uuid").distinct().count() == CaseClock.objects.count()
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, "cases_caseclock")}
        assert "late_reason" not in columns
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            assert not any("Fennimore" in str(cell) for row in cursor.fetchall() for cell in row), table
