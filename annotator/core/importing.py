"""Import files as documents (plain text, Markdown, web pages, Word, PDF), one at a time, reporting each outcome.

Bad input never raises: every file ends as imported, skipped (same text as a
document already in the project) or refused with a reason the user can act on.
Each file is stored whole or not at all, so a cancel or a refusal mid-batch
leaves the files before it imported and nothing half-written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .decoding import MAX_TEXT_BYTES, too_large_reason
from .errors import ImportRefused, ProjectError
from .extract import IMPORTABLE_SUFFIXES, extract
from .titles import detect_title

if TYPE_CHECKING:  # project.py imports this module lazily; keep the dependency one-way
    from .project import Project

SEED_PACKAGE = "annotator.seeds"

ProgressCallback = Callable[[int, int, Path], bool]
NO_DOCUMENTS_IN_FOLDER = "folder holds no files to import (.txt, .md, .html, .docx or .pdf)"
# The project setting for the largest file import takes, in megabytes of text (default 50).
MAX_MB_SETTING = "import.max_mb"


@dataclass
class FileOutcome:
    path: Path
    status: str  # 'imported' | 'skipped' | 'refused'
    reason: str = ""
    document_id: int | None = None
    title: str = ""


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False

    @property
    def imported(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def ok(self) -> bool:
        return not self.refused

    def summary_lines(self) -> list[str]:
        """A headline count, then one "  path: reason" line per file that was not imported."""
        if not self.outcomes and not self.cancelled:
            return ["Nothing to import."]
        parts = [f"Imported {_count(len(self.imported), 'document')}"]
        if self.skipped:
            parts.append(f"skipped {_count(len(self.skipped), 'duplicate')}")
        if self.refused:
            parts.append(f"refused {_count(len(self.refused), 'file')}")
        details = [f"  {o.path}: {o.reason}" for o in self.outcomes if o.status != "imported"]
        lines = [", ".join(parts) + (":" if details else ".")] + details
        if self.cancelled:
            lines.append("Import cancelled; the remaining files were not imported.")
        return lines


def collect_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files to import, in order, each once.

    Files are taken as given, whatever their name. Folders are searched
    recursively for the kinds of file that hold articles (IMPORTABLE_SUFFIXES:
    text, Markdown, web pages, Word and PDF), skipping hidden files and folders
    (.git, .DS_Store and the like). A path that names nothing, or a folder
    without such files, is kept as it is so that import_file refuses it with a
    reason and the report lists it instead of dropping it silently.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        files = _document_files(path) if path.is_dir() else []
        for file in files or [path]:
            key = file.resolve() if file.exists() else file
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _document_files(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(
            Path(root, name) for name in names
            if not name.startswith(".") and name.lower().endswith(IMPORTABLE_SUFFIXES)
        )
    return sorted(files)


def import_file(project: Project, path: str | os.PathLike, *, max_bytes: int | None = None) -> FileOutcome:
    """Import one file as a document; the outcome says what happened and why.

    max_bytes defaults to the project's import.max_mb setting (see import_limit).
    """
    path = Path(path)
    if max_bytes is None:
        max_bytes = import_limit(project)
    try:
        if not path.exists():
            return FileOutcome(path, "refused", "no such file or folder")
        if path.is_dir():
            reason = NO_DOCUMENTS_IN_FOLDER if not _document_files(path) else "is a folder, not a file"
            return FileOutcome(path, "refused", reason)
        size = path.stat().st_size
        if size > max_bytes:
            # Checked before reading: a huge file should not be loaded just to be refused.
            return FileOutcome(path, "refused", too_large_reason(size, max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(path, "refused", exc.strerror or str(exc))
    return _import_bytes(project, data, path=path, source=str(path.absolute()), max_bytes=max_bytes)


def import_paths(
    project: Project,
    paths: Iterable[str | os.PathLike],
    *,
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import files and folders. on_progress(done, total, path) runs before each
    file; returning False stops the import, keeping the files already done.
    max_bytes defaults to the project's import.max_mb setting (see import_limit)."""
    if max_bytes is None:
        max_bytes = import_limit(project)
    files = collect_files(paths)
    report = ImportReport([])
    for done, path in enumerate(files):
        # Only an explicit False cancels: a callback that only prints returns None.
        if on_progress is not None and on_progress(done, len(files), path) is False:
            report.cancelled = True
            break
        report.outcomes.append(import_file(project, path, max_bytes=max_bytes))
    project.duplicates.scan(o.document_id for o in report.imported)  # flags near-duplicates and repeats
    return report


def import_limit(project: Project) -> int:
    """The largest file the project imports, in bytes: its import.max_mb setting, else 50 MB.

    A stored value that is not a positive number (edited by hand, say) falls back
    to the default rather than refusing every file.
    """
    stored = project.store.info(MAX_MB_SETTING)
    try:
        return megabytes_to_bytes(stored) if stored is not None else MAX_TEXT_BYTES
    except ProjectError:
        return MAX_TEXT_BYTES


def set_import_limit(project: Project, megabytes: float | str) -> None:
    """Set the project's import size limit (import.max_mb) in megabytes of text."""
    megabytes_to_bytes(megabytes)  # refuse a bad value before storing it
    project.store.set_info(MAX_MB_SETTING, str(megabytes).strip())


def megabytes_to_bytes(megabytes: float | str) -> int:
    """A size limit given in megabytes as bytes; ProjectError when it is not a positive number."""
    try:
        value = float(megabytes)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value < float("inf"):
        raise ProjectError(f"{megabytes!r} is not a size limit; give a positive number of megabytes, e.g. 50.")
    return max(1, int(value * 1024 * 1024))


def import_seeds(project: Project) -> ImportReport:
    """Import the bundled sample articles, read as package data so installed copies work too."""
    seeds = sorted(
        (entry for entry in resources.files(SEED_PACKAGE).iterdir() if entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )
    report = ImportReport([])
    for entry in seeds:
        # The name, not a path: the package may live in a zip or move on upgrade.
        report.outcomes.append(
            _import_bytes(project, entry.read_bytes(), path=Path(entry.name), source=entry.name)
        )
    project.duplicates.scan(o.document_id for o in report.imported)  # flags near-duplicates and repeats
    return report


def _import_bytes(
    project: Project, data: bytes, *, path: Path, source: str, max_bytes: int = MAX_TEXT_BYTES
) -> FileOutcome:
    try:
        found = extract(path, data, max_bytes=max_bytes)
    except ImportRefused as exc:
        return FileOutcome(path, "refused", exc.reason)
    text = found.text
    documents = project.documents
    existing = documents.find_by_text(text)
    if existing is not None:
        title = documents.get(existing).title
        return FileOutcome(path, "skipped", f"same text as document {existing} ‘{title}’", existing, title)
    title = found.title or detect_title(text)
    try:
        # The document and its metadata arrive together or not at all. Importing
        # is not an edit the analyst undoes, so it leaves nothing in the undo log.
        with project.store.write(undoable=False):
            doc_id = documents.add(title=title, text=text, source=source, encoding=found.encoding)
            if found.metadata:
                project.metadata.set_many(doc_id, found.metadata)
    except (ProjectError, sqlite3.Error) as exc:
        # The transaction rolled back; report it like any refusal so the batch goes on.
        return FileOutcome(path, "refused", f"could not save it in the project ({exc})")
    return FileOutcome(path, "imported", document_id=doc_id, title=title)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
