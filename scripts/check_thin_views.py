"""Fail when a view or presenter reaches past the selectors.

Views and presenters stay thin: they parse, call one service or selector, and
render. Two things must never appear in them:

* ``<Model>.objects`` -- queries belong in the app's ``selectors.py`` (which
  reads through the one scoping function);
* ``.unseal(...)``, ``unseal_list(...)`` or ``decrypt(...)`` -- sealed values
  are revealed in one selector per app (ADR 0009), never where they are shown.

The check reads the source as a syntax tree (so strings and comments do not
count) and prints ``file:line: reason`` for every finding, exiting 1 when there
is any. Usage: ``python scripts/check_thin_views.py [root]`` (default: ``cspr``
next to this script).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REVEALING_NAMES = frozenset({"unseal", "unseal_list", "decrypt"})

# Findings that cannot move yet, as "relative/path.py:reason" -> why. Keep it
# empty: a new entry needs a reason a reviewer would accept.
ALLOWED: dict[str, str] = {}


def is_thin_module(path: Path) -> bool:
    """Views (``views.py``, ``*_views.py``) and presenters (``presenters.py``)."""
    name = path.name
    return name in {"views.py", "presenters.py"} or name.endswith("_views.py")


def thin_modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if is_thin_module(path) and "migrations" not in path.parts:
            yield path


def findings_in(source: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "objects":
                yield node.lineno, f"{ast.unparse(node)}: query through a selector instead"
            elif node.attr in REVEALING_NAMES:
                yield node.lineno, f".{node.attr}(): reveal sealed values in a selector instead"
        elif isinstance(node, ast.Name) and node.id in REVEALING_NAMES:
            yield node.lineno, f"{node.id}(): reveal sealed values in a selector instead"
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in REVEALING_NAMES:
                    yield node.lineno, f"imports {alias.name}: reveal sealed values in a selector instead"


def check(paths: Iterable[Path], base: Path) -> list[str]:
    problems = []
    for path in paths:
        try:
            shown = path.relative_to(base)
        except ValueError:
            shown = path
        for line, reason in findings_in(path.read_text(encoding="utf-8")):
            if f"{shown.as_posix()}:{reason}" in ALLOWED:
                continue
            problems.append(f"{shown}:{line}: {reason}")
    return problems


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent.parent
    root = Path(argv[0]).resolve() if argv else here / "cspr"
    base = root.parent
    problems = check(thin_modules(root), base)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} finding(s): views and presenters must stay thin (see docs/architecture.md).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
