"""The engine is pure: no web or database imports, nothing beyond the standard library, numpy and scipy."""

import ast
import sys
from pathlib import Path

import meetup.grouping

PACKAGE = Path(meetup.grouping.__file__).parent


def imported_top_level_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def test_engine_imports_neither_flask_nor_sqlalchemy() -> None:
    modules = imported_top_level_modules()
    assert not {m for m in modules if m in {"flask", "sqlalchemy", "werkzeug"} or m.startswith("flask_")}


def test_engine_imports_only_the_standard_library_numpy_scipy_and_itself() -> None:
    outside = {
        module: files
        for module, files in imported_top_level_modules().items()
        if module not in sys.stdlib_module_names and module not in {"meetup", "numpy", "scipy"}
    }
    assert outside == {}
