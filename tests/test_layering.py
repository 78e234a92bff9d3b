"""Architecture rules: the core never touches Qt, the UI never speaks SQL, and imports go one way.

The packages stand in the order of PACKAGE_ORDER: a module may import from its own package
and from packages before it, never after it, and no set of modules imports itself round
in a circle, counting imports inside functions. Imports a type checker alone reads (under
`if TYPE_CHECKING:`) never run and do not count.
"""

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
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(annotator.core.__path__, 'annotator.core.')]; "
        "print(any(k.startswith('PySide6') or k.startswith('shiboken') for k in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_core_sources_import_no_qt():
    files = sorted(CORE.rglob("*.py"))
    assert CORE / "store" / "database.py" in files and CORE / "coding" / "annotations.py" in files
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


# -- one-way imports -------------------------------------------------------------------------

# Lowest first. Top-level modules of a side (core/project.py, ui/main_window.py) come after
# every package of that side; the command line (annotator/cli.py ...) after both sides.
PACKAGE_ORDER = [
    "annotator.core.common", "annotator.core.store", "annotator.core.search", "annotator.core.corpus",
    "annotator.core.coding", "annotator.core.entities", "annotator.core.interchange", "annotator.core.team",
    "annotator.core.charts", "annotator.core.safety",
    "annotator.core.project", "annotator.core.workspace",
    "annotator.ui.common", "annotator.ui.actions", "annotator.ui.reader", "annotator.ui.corpus",
    "annotator.ui.coding", "annotator.ui.entities", "annotator.ui.search", "annotator.ui.interchange",
    "annotator.ui.team", "annotator.ui.charts", "annotator.ui.safety", "annotator.ui.shared", "annotator.ui.preferences",
    "annotator.ui.preferences_dialog", "annotator.ui.file_menu", "annotator.ui.tool_openers", "annotator.ui.main_window",
    "annotator.ui.app",
]
ROOT = PACKAGE.parent


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: at the top, in functions and classes, not TYPE_CHECKING's."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a `from package import module` names the module)."""
    files = {module_name(path, root.parent): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path}: relative import; the package uses absolute imports"
                heads = [f"{node.module}.{alias.name}" for alias in node.names]
                heads = [h if h in files else node.module for h in heads]
            else:
                heads = [alias.name for alias in node.names]
            for head in heads:
                while head and head not in files:
                    head = head.rpartition(".")[0]
                if head and head != name:
                    targets.add(head)
        graph[name] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected sets of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def rank(module: str) -> int | None:
    """Where a module's package stands in PACKAGE_ORDER; None for annotator/__init__ (the version)."""
    if module == "annotator":
        return None
    for i, package in enumerate(PACKAGE_ORDER):
        if module == package or module.startswith(package + "."):
            return i
    if module.startswith(("annotator.core.", "annotator.ui.")):
        raise AssertionError(f"{module} stands in no package of PACKAGE_ORDER: add it there")
    return len(PACKAGE_ORDER)  # cli, cli_search, selftest, __main__: above both sides


def against_the_order(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if rank(target) is not None and rank(source) is not None and rank(target) > rank(source)
    )


def test_no_module_imports_itself_round_a_circle():
    graph = import_graph()
    assert "annotator.core.store.database" in graph and "annotator.ui.main_window" in graph
    assert circles(graph) == [], "modules that import each other round a circle"


def test_every_import_goes_down_the_package_order():
    assert against_the_order(import_graph()) == [], "imports against PACKAGE_ORDER"


def test_the_import_graph_sees_imports_inside_functions_and_skips_type_only_ones(tmp_path):
    package = tmp_path / "annotator"
    (package / "core" / "store").mkdir(parents=True)
    (package / "core" / "safety").mkdir(parents=True)
    for folder in (package, package / "core", package / "core" / "store", package / "core" / "safety"):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "core" / "store" / "database.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from annotator.core.safety.check import Report\n"
        "def upgrade():\n"
        "    from annotator.core.safety import backup\n",
        encoding="utf-8",
    )
    (package / "core" / "safety" / "backup.py").write_text("import annotator.core.store.database\n", encoding="utf-8")
    (package / "core" / "safety" / "check.py").write_text("", encoding="utf-8")
    graph = import_graph(package)
    assert graph["annotator.core.store.database"] == {"annotator.core.safety.backup"}
    assert circles(graph) == [["annotator.core.safety.backup", "annotator.core.store.database"]]
    assert against_the_order(graph) == ["annotator.core.store.database -> annotator.core.safety.backup"]


# -- features reach the window through the Workbench ------------------------------------------

WINDOW_NAMES = {"window", "parent", "main", "workbench"}  # and any name or attribute ending in _window/window_


def _names_a_window(node: ast.AST) -> bool:
    """A window object as ui code spells it: window, parent, self._window, self.window_, self.window(), ..."""
    if isinstance(node, ast.Call) and not node.args:
        return getattr(node.func, "attr", None) in {"window", "parent", "parentWidget"}
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    if name is None:
        return False
    return name.strip("_") in WINDOW_NAMES or name.endswith(("_window", "window_")) or name == "_window"


def _window_probes(path: Path) -> list[str]:
    """getattr/hasattr asked of a window, and attributes stored on one, with their line numbers."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"}
                and node.args and _names_a_window(node.args[0])):
            found.append(f"{path.name}:{node.lineno} {node.func.id}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and _names_a_window(target.value):
                    found.append(f"{path.name}:{node.lineno} stores .{target.attr}")
    return found


def test_no_feature_probes_the_window_or_stores_itself_on_it():
    """Only main_window.py knows the window's attributes; features use annotator/ui/common/workbench.py."""
    found = [hit for path in sorted(UI.rglob("*.py")) if path != UI / "main_window.py" for hit in _window_probes(path)]
    assert found == []


def test_the_window_probe_scan_would_see_a_probe(tmp_path):
    sample = tmp_path / "feature.py"
    sample.write_text(
        "def open_it(window, parent):\n"
        "    table = getattr(window, 'annotation_table', None)\n"
        "    if hasattr(parent, 'statusBar'):\n"
        "        pass\n"
        "    window.memo_search = table\n"
        "    ok = getattr(guess, 'role')\n"
        "class Dialog:\n"
        "    def go(self):\n"
        "        return getattr(self._window, 'backup_dialog', None), hasattr(self.window(), 'open_document')\n",
        encoding="utf-8",
    )
    assert sorted(int(hit.split(" ", 1)[0].split(":")[1]) for hit in _window_probes(sample)) == [2, 3, 5, 9, 9]
