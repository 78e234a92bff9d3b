"""Architecture rules: the core never touches Qt, and the UI never speaks SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).resolve().parent
CORE = PACKAGE / "core"
UI = PACKAGE / "ui"
QT_PACKAGES = ("PySide6", "shiboken6", "PySide2", "shiboken2", "PyQt5", "PyQt6", "sip")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _is_qt(module: str) -> bool:
    return module.split(".")[0] in QT_PACKAGES


def test_importing_every_core_module_loads_no_qt():
    code = (
        "import sys, pkgutil, importlib, annotator.core; "
        "[importlib.import_module('annotator.core.'+m.name) for m in pkgutil.iter_modules(annotator.core.__path__)]; "
        "print(any(k.startswith('PySide6') or k.startswith('shiboken') for k in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_core_sources_import_no_qt():
    files = sorted(CORE.rglob("*.py"))
    assert CORE / "store.py" in files and CORE / "annotations.py" in files
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imported_modules(path) if _is_qt(m))
        for path in files
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_import_scan_would_see_qt(tmp_path):
    """The scanner itself catches every way a core file could pull in Qt."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def later():\n"
        "    from PySide6.QtGui import QTextDocument\n"
        "    import shiboken6\n"
        "    importlib.import_module('PyQt6.QtCore')\n",
        encoding="utf-8",
    )
    assert {m for m in _imported_modules(sample) if _is_qt(m)} == {"PySide6.QtGui", "shiboken6", "PyQt6.QtCore"}


# -- no SQL in the UI ------------------------------------------------------------------------

SQL = re.compile(r"execute(many|script)?\(|\bSELECT\s|\bINSERT\s|\bUPDATE\s|\bDELETE\s+FROM\b")


def _sql_in(path: Path) -> list[str]:
    return [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]


def test_ui_files_contain_no_sql():
    assert UI.is_dir() and (UI / "__init__.py").is_file()
    found = [hit for path in sorted(UI.rglob("*.py")) for hit in _sql_in(path)]
    assert found == []


def test_the_sql_scan_would_see_sql(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text(
        "rows = store.db.execute('SELECT id FROM documents')\n"
        "sql = \"DELETE FROM annotations WHERE id = ?\"\n"
        "fine = 'Select a document to begin'\n",
        encoding="utf-8",
    )
    assert [hit.split(":")[1] for hit in _sql_in(sample)] == ["1", "2"]
