"""The thin-views check: it fails the build on a query or a decryption in a view or presenter, and passes today."""

from __future__ import annotations

import contextlib
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_thin_views.py"


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str


def run_check(*args: str) -> Result:
    """Run the script's ``main`` as ``make check`` runs it, capturing what it prints."""
    spec = importlib.util.spec_from_file_location("check_thin_views", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = module.main(list(args))
    return Result(returncode=code, stdout=out.getvalue())


def plant(tmp_path: Path, name: str, source: str) -> Path:
    app = tmp_path / "cspr" / "planted"
    app.mkdir(parents=True, exist_ok=True)
    path = app / name
    path.write_text(source, encoding="utf-8")
    return tmp_path / "cspr"


@pytest.mark.parametrize(
    ("name", "source", "reported"),
    [
        pytest.param(
            "views.py",
            "from cspr.cases.models import Case\n\n\ndef detail(request, reference):\n"
            "    return Case.objects.get(reference=reference)\n",
            ["cspr/planted/views.py:5: Case.objects"],
            id="a case query in a view",
        ),
        pytest.param(
            "presenters.py",
            "def row(review):\n    return {'facts': review.unseal('facts_summary')}\n",
            ["cspr/planted/presenters.py:2: .unseal()"],
            id="an unseal in a presenter",
        ),
        pytest.param(
            "notify_views.py",
            "from cspr.kernel.sealing import unseal_list\n\n\ndef page(rows, box):\n"
            "    return unseal_list(rows), box.decrypt('x')\n",
            [
                "notify_views.py:1: imports unseal_list",
                "notify_views.py:5: unseal_list()",
                "notify_views.py:5: .decrypt()",
            ],
            id="unseal_list and decrypt in a named views module",
        ),
    ],
)
def test_the_check_fails_on_what_is_planted_and_names_each_line(
    tmp_path: Path, name: str, source: str, reported: list[str]
) -> None:
    result = run_check(str(plant(tmp_path, name, source)))
    assert result.returncode == 1
    for line in reported:
        assert line in result.stdout


def test_the_check_ignores_other_modules_and_words_in_strings(tmp_path: Path) -> None:
    plant(tmp_path, "selectors.py", "def get(Case):\n    return Case.objects.first().unseal('x')\n")
    root = plant(tmp_path, "views.py", "HELP = 'Case.objects and unseal( are not code here'\n")
    result = run_check(str(root))
    assert result.returncode == 0, result.stdout


def test_the_check_passes_on_the_project_as_it_is() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
