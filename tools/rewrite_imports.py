"""Bring old module paths up to date after core and ui were grouped by subdomain (issue 13).

    python tools/rewrite_imports.py [REPO]

Rewrites, in every Python file of the repository, imports of a module that moved (relative imports
inside the package become absolute ones), and in every text file the dotted names and
`annotator/...py` paths that still name an old place. Safe to run again: a path that already
names the new place is left alone. Made for branches started before the move.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from module_moves import MODULES, NAMES  # noqa: E402

TEXT_SUFFIXES = {".py", ".md", ".toml", ".spec", ".txt", ".cfg", ".ini", ".sh", ".yml", ".yaml"}
SKIP_PARTS = {".git", ".venv", "build", "dist", "__pycache__", ".cache", "node_modules"}
OLD_OF = {new: old for old, new in MODULES.items()}


class Tree:
    """Which modules and packages exist now, under REPO/annotator."""

    def __init__(self, repo: Path):
        self.repo = repo
        self.modules: set[str] = set()
        self.packages: set[str] = set()
        for path in (repo / "annotator").rglob("*.py"):
            parts = path.relative_to(repo).with_suffix("").parts
            if parts[-1] == "__init__":
                self.packages.add(".".join(parts[:-1]))
                self.modules.add(".".join(parts[:-1]))
            else:
                self.modules.add(".".join(parts))

    def module_of(self, path: Path) -> tuple[str, bool] | None:
        try:
            parts = path.relative_to(self.repo).with_suffix("").parts
        except ValueError:
            return None
        if parts[0] != "annotator":
            return None
        if parts[-1] == "__init__":
            return ".".join(parts[:-1]), True
        return ".".join(parts), False


def moved(dotted: str, tree: Tree) -> str:
    """The dotted name of a module or attribute at its new place; unchanged if it did not move.

    An old module whose name is now a package's (core's store, corpus, search, entities) keeps its
    old meaning when an attribute follows; alone, or before a submodule, it names the package.
    """
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):
        head, rest = ".".join(parts[:cut]), parts[cut:]
        if rest and (head, rest[0]) in NAMES:
            return ".".join([NAMES[head, rest[0]], *rest[1:]])
        if head in MODULES:
            if head in tree.packages and (not rest or f"{head}.{rest[0]}" in tree.modules):
                return dotted
            return ".".join([MODULES[head], *rest])
    return dotted


def old_name(module: str) -> str:
    """The dotted name a module had before the move."""
    for new, old in OLD_OF.items():
        if module == new or module.startswith(new + "."):
            return old + module[len(new):]
    return module


def _resolve(level: int, module: str | None, here: str, is_package: bool) -> str:
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _from_line(indent: str, module: str, aliases: list[tuple[str, str | None]]) -> str:
    names = [f"{n} as {a}" if a and a != n else n for n, a in aliases]
    line = f"{indent}from {module} import {', '.join(names)}"
    if len(line) <= 110:
        return line
    inner = "".join(f"{indent}    {n},\n" for n in names)
    return f"{indent}from {module} import (\n{inner}{indent})"


def rewrite_imports(source: str, path: Path, tree: Tree) -> str:
    try:
        parsed = ast.parse(source)
    except SyntaxError:
        return source
    where = tree.module_of(path)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(parsed):
        if isinstance(node, ast.ImportFrom):
            new = _rewrite_from(node, where, tree)
        elif isinstance(node, ast.Import):
            new = _rewrite_import(node, tree)
        else:
            continue
        if new is None:
            continue
        first = lines[node.lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        text = "\n".join(indent + line.lstrip() if i == 0 else line for i, line in enumerate(new(indent).split("\n")))
        last = lines[node.end_lineno - 1]
        tail = last[node.end_col_offset:]
        edits.append((node.lineno - 1, node.end_lineno, text + tail))
    for start, end, text in sorted(edits, reverse=True):
        lines[start:end] = [text if text.endswith("\n") else text + "\n"]
    return "".join(lines)


def _rewrite_from(node: ast.ImportFrom, where: tuple[str, bool] | None, tree: Tree):
    if node.level:
        if where is None:
            return None
        # The package's own code uses absolute imports since the move (test_layering checks), so a
        # relative import was written for the file's place before it.
        here, is_package = where
        module = _resolve(node.level, node.module, old_name(here), is_package)
    else:
        module = node.module or ""
    if not module.startswith("annotator"):
        return None
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for alias in node.names:
        full = f"{module}.{alias.name}"
        if full in MODULES:
            # A module imported by name, under its old name.
            parent, _, name = MODULES[full].rpartition(".")
            groups.setdefault(parent, []).append((name, alias.asname or alias.name))
        elif full in tree.modules:
            groups.setdefault(module, []).append((alias.name, alias.asname))
        elif (module, alias.name) in NAMES:
            groups.setdefault(NAMES[module, alias.name], []).append((alias.name, alias.asname))
        else:
            target = MODULES.get(module) or moved(module, tree)
            groups.setdefault(target, []).append((alias.name, alias.asname))
    if not node.level and list(groups) == [module]:
        return None
    return lambda indent: "\n".join(_from_line(indent, m, a) for m, a in groups.items())


def _rewrite_import(node: ast.Import, tree: Tree):
    changed = False
    names = []
    for alias in node.names:
        new = moved(alias.name, tree)
        changed |= new != alias.name
        names.append(f"{new} as {alias.asname}" if alias.asname else new)
    if not changed:
        return None
    return lambda indent: f"{indent}import {', '.join(names)}"


DOTTED = re.compile(r"\bannotator\.(?:core|ui)(?:\.\w+)+")
SLASHED = re.compile(r"\bannotator/(?:core|ui)(?:/\w+)+(?:\.py)?/?")


FROM_IN_TEXT = re.compile(r"from (annotator(?:\.\w+)+) import (\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)")


def _from_in_text(match: re.Match, tree: Tree) -> str:
    """An import written inside a string (code a test runs in a child process), on one line."""
    node = ast.parse(match.group(0)).body[0]
    new = _rewrite_from(node, None, tree)
    return match.group(0) if new is None else new("").replace("\n", "; ")


def rewrite_names(text: str, tree: Tree) -> str:
    text = FROM_IN_TEXT.sub(lambda m: _from_in_text(m, tree), text)
    text = DOTTED.sub(lambda m: moved(m.group(0), tree), text)

    def slashed(match: re.Match) -> str:
        found = match.group(0)
        trail = "/" if found.endswith("/") else ""
        body = found.rstrip("/")
        suffix = ".py" if body.endswith(".py") else ""
        dotted = body.removesuffix(".py").replace("/", ".")
        new = moved(dotted, tree)
        if new == dotted:
            return found
        if not suffix and not trail and new in tree.packages:
            return new.replace(".", "/")
        if suffix and new in tree.packages:
            return new.replace(".", "/") + "/__init__.py"
        return new.replace(".", "/") + suffix + trail

    return SLASHED.sub(slashed, text)


def rewrite_repo(repo: Path) -> list[Path]:
    tree = Tree(repo)
    changed = []
    for path in sorted(repo.rglob("*")):
        if not path.is_file() or SKIP_PARTS & set(path.relative_to(repo).parts):
            continue
        if path.suffix not in TEXT_SUFFIXES and path.name not in {"run", "Makefile"}:
            continue
        if path.resolve() == Path(__file__).resolve() or path.name == "module_moves.py":
            continue
        try:
            before = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        after = rewrite_imports(before, path, tree) if path.suffix == ".py" else before
        after = rewrite_names(after, tree)
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    for p in rewrite_repo(root):
        print(p.relative_to(root))
