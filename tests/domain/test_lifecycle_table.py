"""The lifecycle's data file: read as the table it describes, and a mistake in it refused saying where."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr.domain.datafile import DataFileError
from cspr.domain.lifecycle import GUARDS, LIFECYCLE_FILE, STAGES, TRANSITIONS, Stage, table_read
from cspr.domain.roles import Role

# Two transitions and the stages' words from the service's own file, so only what a test changes is wrong.
TWO = """
[[transitions]]
name = "close"
label = "Close the case"
section = "§7.10"
reason = true
guards = ["actions_complete", "duties_done"]
moves = { learning_and_actions = "closed", not_notifiable = "closed_not_notifiable" }
sections_from = { not_notifiable = "§3.5, §5.6" }

[[transitions]]
name = "withdraw"
label = "Withdraw the case"
roles = ["prg_chair", "executive_member"]
from_every_stage_but = ["closed", "withdrawn"]
to = "withdrawn"
"""
STAGE_WORDS = LIFECYCLE_FILE.read_text(encoding="utf-8").split("\n[stages.", 1)[1]


def _file(tmp_path: Path, transitions: str, stages: str = "[stages." + STAGE_WORDS) -> Path:
    path = tmp_path / "lifecycle.toml"
    path.write_text(transitions + "\n" + stages, encoding="utf-8")
    return path


def test_the_service_reads_its_own_file_into_the_table() -> None:
    table = table_read()
    assert tuple(rule.name for rule in table.rules) == tuple(TRANSITIONS)
    assert table.stages == STAGES


def test_a_transition_reads_with_its_defaults_its_guards_and_every_stage_it_leaves(tmp_path: Path) -> None:
    close, withdraw = table_read(_file(tmp_path, TWO)).rules
    assert close.roles == {Role.BUSINESS_UNIT}  # no roles named: the business unit's
    assert close.reason_required
    assert close.guards == (GUARDS["actions_complete"], GUARDS["duties_done"])
    assert close.moves == (
        (Stage.LEARNING_AND_ACTIONS, Stage.CLOSED),
        (Stage.NOT_NOTIFIABLE, Stage.CLOSED_NOT_NOTIFIABLE),
    )
    assert (close.section_from(Stage.NOT_NOTIFIABLE), close.section_from(Stage.LEARNING_AND_ACTIONS)) == (
        "§3.5, §5.6",
        "§7.10",
    )
    assert withdraw.roles == {Role.PRG_CHAIR, Role.EXECUTIVE_MEMBER}
    assert (withdraw.section, withdraw.reason_required, withdraw.guards) == ("", False, ())
    assert withdraw.moves == tuple((stage, Stage.WITHDRAWN) for stage in Stage if stage not in {"closed", "withdrawn"})


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        (('name = "close"', 'name = "Close"'), "transitions[0] (Close).name: small letters and single underscores"),
        (('label = "Close the case"', ""), "transitions[0] (close): missing label"),
        (("reason = true", 'reason = "yes"'), "transitions[0] (close).reason: expected true or false, found 'yes'"),
        (('"duties_done"', '"duty_done"'), "transitions[0] (close).guards[1]: 'duty_done' is not one of la_decided"),
        (('"prg_chair"', '"prg_chairs"'), "transitions[1] (withdraw).roles[0]: 'prg_chairs' is not one of"),
        (('= "closed",', '= "shut",'), "transitions[0] (close).moves.learning_and_actions: 'shut' is not one of"),
        (("moves = {", "moves = { notifiable = 'x', "), "transitions[0] (close).moves: 'notifiable' is not one of"),
        (("moves = {", "movez = {"), "transitions[0] (close): unknown key movez"),
        (('to = "withdrawn"', ""), "transitions[1] (withdraw): missing to"),
        (('from_every_stage_but = ["closed", "withdrawn"]', ""), "transitions[1] (withdraw): missing moves"),
        (("sections_from = { not_notifiable", "sections_from = { rapid_review"), "only a stage the transition"),
        (('name = "withdraw"', 'name = "close"'), "transitions[1] (close).name: a transition above has this name"),
        (("[[transitions]]", "[[transition]]"), "lifecycle.toml: unknown key transition (expected transitions"),
        (("label = ", "label = = "), "lifecycle.toml: Invalid value"),
    ],
)
def test_a_mistake_in_a_transition_is_refused_saying_where(tmp_path: Path, mistake: tuple[str, str], said: str) -> None:
    path = _file(tmp_path, TWO.replace(*mistake, 1))
    with pytest.raises(DataFileError) as refused:
        table_read(path)
    assert said in str(refused.value)
    assert str(refused.value).startswith(str(path))


def test_moves_and_every_stage_but_together_are_refused(tmp_path: Path) -> None:
    both = TWO.replace('to = "withdrawn"', 'to = "withdrawn"\nmoves = { closed = "withdrawn" }')
    with pytest.raises(DataFileError, match=r"\(withdraw\): moves, or from_every_stage_but and to, not both"):
        table_read(_file(tmp_path, both))


def test_every_stage_must_be_in_words_and_only_stages_are(tmp_path: Path) -> None:
    without_withdrawn = "[stages." + STAGE_WORDS.split("[stages.withdrawn]", 1)[0]
    with pytest.raises(DataFileError, match=r"stages: no words for withdrawn$"):
        table_read(_file(tmp_path, TWO, without_withdrawn))
    unknown = "[stages." + STAGE_WORDS + '\n[stages.archived]\nlabel = "Archived"\n'
    with pytest.raises(DataFileError, match=r"stages\.archived: 'archived' is not one of"):
        table_read(_file(tmp_path, TWO, unknown))
    blank = "[stages." + STAGE_WORDS.replace('label = "Withdrawn"', 'label = "  "')
    with pytest.raises(DataFileError, match=r"stages\.withdrawn\.label: expected words, found '  '"):
        table_read(_file(tmp_path, TWO, blank))
