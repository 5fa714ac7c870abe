"""The domain stays pure: no Django, no holiday libraries, no network, no database (DESIGN §6)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cspr.domain
from tests.domain.support import found_in_files

FORBIDDEN = ("django", "holidays", "govuk_bank_holidays", "requests", "rules", "axes", "socket", "http", "urllib")
FORBIDDEN_OURS = ("cspr.core", "cspr.accounts", "cspr.partnerships", "cspr.audit", "cspr.calendars")
DOMAIN_DIR = Path(cspr.domain.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def forbidden_imports(path: Path) -> list[str]:
    return [
        name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN or name.startswith(FORBIDDEN_OURS)
    ]


def test_no_domain_module_imports_django_holidays_network_or_other_apps() -> None:
    assert found_in_files(DOMAIN_DIR.glob("*.py"), forbidden_imports, root=DOMAIN_DIR) == set()


PROBE = """
import sys
import statemachine  # the library probes for Django itself; only what our modules add matters here
before = set(sys.modules)
import cspr.domain.calendar, cspr.domain.clocks, cspr.domain.criteria
import cspr.domain.lifecycle, cspr.domain.presets, cspr.domain.roles
print(",".join(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {forbidden!r})))
"""


def test_importing_the_domain_loads_no_forbidden_module_of_its_own_accord() -> None:
    # A fresh interpreter, because pytest-django has already loaded Django into this one.
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-c", PROBE.format(forbidden=set(FORBIDDEN))],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == ""
