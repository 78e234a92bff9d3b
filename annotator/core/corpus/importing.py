"""Import files as documents (plain text, Markdown, web pages, Word, PDF), reporting each file's outcome.

Bad input never raises: every file ends as imported, skipped (same text as a
document already in the project) or refused with a reason the user can act on.
Each file is stored whole or not at all, so a cancel or a refusal mid-batch
leaves the files before it imported and nothing half-written.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import ClassVar

from annotator.core.common.errors import ImportRefused, ProjectError, disk_full_stop, is_disk_full
from annotator.core.common.names import shown, shown_text, storable
from annotator.core.common.pool import InOrder, usable_cores
from annotator.core.common.protocols import ProjectLike
from annotator.core.common.read_ahead import ReadAhead
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, too_large_reason
from annotator.core.corpus.documents import text_sha256
from annotator.core.corpus.extract import IMPORTABLE_SUFFIXES, Extracted, extract
from annotator.core.corpus.fingerprints import METHOD, Cancelled, Fingerprint, fingerprint
from annotator.core.corpus.import_formats import suffixes
from annotator.core.corpus.titles import UNTITLED, detect_title
from annotator.core.search.index import add_to_index
from annotator.core.store.database import Change, ChangeKind, now

SEED_PACKAGE = "annotator.seeds"

ProgressCallback = Callable[[int, int, Path], bool]
# What happens to one file, in order; a big file reports each with how much of the file is done.
PHASES = ("reading", "decoding", "checking duplicates", "storing", "indexing")
# Where each phase starts and ends in a big text file's time (measured on 20 to 50 MB of text), so
# the bar moves at an even pace through the file.
_PHASE_SPANS = {"reading": (0.0, 0.04), "decoding": (0.04, 0.08), "checking duplicates": (0.08, 0.7),
                "storing": (0.7, 0.8), "indexing": (0.8, 1.0)}
# Files this large report their phases and can be cancelled in the middle; smaller ones take
# a few milliseconds, and a report per phase would slow an import of 100,000 articles.
STEP_BYTES = 1024 * 1024
_READ_BYTES = 4 * 1024 * 1024
NO_DOCUMENTS_IN_FOLDER = f"folder holds no files to import ({', '.join(suffixes('article'))})"
# The project setting for the largest file import takes, in MiB of text (default 50).
MAX_MB_SETTING = "import.max_mb"
# A batch is committed after this many files or this many seconds, whichever comes first:
# few commits, a crash loses little, and the file never stays locked long for the window.
BATCH_FILES = 1000
BATCH_SECONDS = 0.25
# Imports of this many files or more are prepared in worker processes (see common/pool.py);
# fewer are done sooner on a thread than worker processes start (a few tenths of a second).
POOL_MIN_FILES = 400
POOL_CHUNK = 64  # files a worker prepares per hand-over: one pickle round trip each
POOL_MAX_WORKERS = 4  # the writer is one process: more workers than it can keep up with only hold memory


@dataclass(frozen=True)
class Step:
    """Progress inside one big file: its place among the files, the phase, and how much of it is done."""

    index: int  # from 0, among the files found
    total: int  # files found
    path: Path
    phase: str  # one of PHASES
    fraction: float  # of the whole file, 0..1


StepCallback = Callable[[Step], "bool | None"]


class _Steps:
    """Reports one big file's phases to on_step, and raises Cancelled when it answers False."""

    def __init__(self, on_step: StepCallback | None, index: int, total: int, path: Path):
        self._on_step, self._index, self._total, self._path = on_step, index, total, path

    @property
    def active(self) -> bool:
        return self._on_step is not None

    def __call__(self, phase: str, within: float = 0.0) -> None:
        if self._on_step is None:
            return
        start, end = _PHASE_SPANS[phase]
        step = Step(self._index, self._total, self._path, phase, start + (end - start) * min(max(within, 0.0), 1.0))
        if self._on_step(step) is False:
            raise Cancelled


_QUIET = _Steps(None, 0, 0, Path())


@dataclass
class FileOutcome:
    path: Path
    status: str  # 'imported' | 'skipped' | 'refused'
    reason: str = ""
    document_id: int | None = None
    title: str = ""
    note: str = ""  # imported, but worth a look ("body looks like a stub (12 words): check it")


@dataclass
class BatchReport:
    """What an import did to each of its files or rows: counts, refusals, notes worth a look, and the summary.

    ImportReport (files) and corpus.CorpusReport (the rows of one file) are both one, so the
    CLI and the window show either the same way and the same outcomes read the same.
    An outcome has a status ('imported' | 'skipped' | 'refused'), a reason and a note.
    """

    outcomes: list = field(default_factory=list)
    cancelled: bool = False
    total: int = 0  # files found, or article rows in the file
    disk_full: bool = False  # the import stopped because nothing more could be saved

    unit: ClassVar[str] = "file"  # what one outcome is, in the summary's words
    again: ClassVar[str] = "the files"  # what to import again after a cancel

    def _with(self, status: str) -> list:
        return [o for o in self.outcomes if o.status == status]

    imported = property(lambda self: self._with("imported"))
    skipped = property(lambda self: self._with("skipped"))
    refused = property(lambda self: self._with("refused"))

    @property
    def to_check(self) -> list:
        return [o for o in self.imported if o.note]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.disk_full

    @property
    def not_reached(self) -> int:
        """Items left unread when a full disk stopped the import."""
        return max(0, self.total - len(self.outcomes)) if self.disk_full else 0

    def summary_lines(self) -> list[str]:
        """A headline count, then one "  place: reason" line per item that was not imported or needs a look."""
        if not self.outcomes and not self.cancelled and not self.disk_full:
            return [f"Nothing to import{self._source()}."]
        parts = [f"Imported {_count(len(self.imported), 'document')}{self._source()}"]
        if self.to_check:
            parts.append(f"{len(self.to_check)} to check")
        if self.skipped:
            parts.append(f"skipped {_count(len(self.skipped), 'duplicate')}")
        if self.refused:
            parts.append(f"refused {_count(len(self.refused), self.unit)}")
        details = [f"  {self._place(o)}: {o.reason}" for o in self.outcomes if o.status != "imported"]
        details += [f"  {self._place(o)}: {o.note}" for o in self.to_check]
        lines = [", ".join(parts) + (":" if details else ".")] + details
        if self.cancelled:
            lines.append(self._cancelled_line())
        if self.disk_full:
            lines.append(disk_full_stop(self.not_reached, self.unit))
        return lines

    def _source(self) -> str:
        return ""

    def _place(self, outcome) -> str:
        return shown(outcome.path)

    def _cancelled_line(self) -> str:
        done = len(self.outcomes)
        left = max(0, self.total - done)
        return (f"Import cancelled after {_count(done, self.unit)}; the other {_count(left, self.unit)} "
                f"{'was' if left == 1 else 'were'} not imported. Import {self.again} again to add them "
                f"({self.unit}s already imported are skipped as duplicates).")


@dataclass
class ImportReport(BatchReport):
    """Files imported as documents, each with its outcome."""

    cancelled_at: Path | None = None  # the file under way when Cancel was pressed: not imported
    worker_processes: int = 0  # processes that prepared files besides this one (0: all done here)

    def _cancelled_line(self) -> str:
        if self.cancelled_at is None:
            return super()._cancelled_line()
        after = self.total - len(self.outcomes) - 1
        if after <= 0:
            return f"Import cancelled: {shown(self.cancelled_at.name)} was not imported."
        return f"Import cancelled: {shown(self.cancelled_at.name)} and the {_count(after, 'file')} after it were not imported."


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
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            # The folder is resolved once and its files keyed under it: resolving each of
            # 100,000 files would cost more than reading them.
            root = str(path.resolve())
            files = [(root + os.sep + relative, file) for relative, file in _walk(path)]
        else:
            files = []
        for key, file in files or [(str(path.resolve()) if path.exists() else str(path), path)]:
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _document_files(folder: Path) -> list[Path]:
    return [file for _relative, file in _walk(folder)]


def _walk(folder: Path) -> list[tuple[str, Path]]:
    """(path relative to the folder, path) of the articles under a folder, in the order Path sorts them.

    Each folder's entries are sorted by name, files and subfolders together, and a
    subfolder is walked in its place: the order of sorting whole paths by their parts,
    without building and sorting a tuple per file (a second of 100,000 files' import
    before any file is read). Hidden entries and links to folders are left out, as
    os.walk leaves them.
    """
    found: list[tuple[str, Path]] = []

    def visit(directory: Path, base: str) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = sorted(((os.path.normcase(e.name), e) for e in listing if not e.name.startswith(".")),
                                 key=itemgetter(0))
        except OSError:  # unreadable: skipped, as os.walk skips it
            return
        for _key, entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            # A child of its folder's Path costs half of a Path parsed from the whole string.
            if is_dir:
                if not entry.is_symlink():
                    visit(directory / entry.name, base + entry.name + os.sep)
            elif entry.name.lower().endswith(IMPORTABLE_SUFFIXES):
                found.append((base + entry.name, directory / entry.name))

    visit(Path(folder), "")
    return found


def import_file(project: ProjectLike, path: str | os.PathLike, *, max_bytes: int | None = None) -> FileOutcome:
    """Import one file as a document; the outcome says what happened and why.

    max_bytes defaults to the project's import.max_mb setting (see import_limit).
    """
    if max_bytes is None:
        max_bytes = import_limit(project)
    item = _prepare(Path(path), max_bytes)
    if item.outcome is not None:
        return item.outcome
    return _store_one(project, item)


def _store_one(project: ProjectLike, item: _Prepared) -> FileOutcome:
    """Store one prepared file in a transaction of its own, indexed and fingerprinted with it."""
    try:
        with project.store.write(undoable=False):
            outcome = _store(project, item)
            if outcome.status == "imported":
                add_to_index(project.store.conn, [(outcome.document_id, item.title, item.text)])
                project.duplicates.remember(outcome.document_id, item.fingerprint)
                project.store.notify(Change(ChangeKind.DOCUMENTS_ADDED, document_id=outcome.document_id))
    except (ProjectError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        return _unsaved(FileOutcome(item.path, "imported"), exc)
    return outcome


def import_paths(
    project: ProjectLike,
    paths: Iterable[str | os.PathLike],
    *,
    on_progress: ProgressCallback | None = None,
    on_step: StepCallback | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import files and folders. on_progress(done, total, path) runs before each
    file; returning False stops the import, keeping the files already done.
    max_bytes defaults to the project's import.max_mb setting (see import_limit).

    Files are committed in batches (BATCH_FILES files or BATCH_SECONDS, whichever
    comes first), each file whole or not at all: a crash loses at most the batch
    under way, and a cancel or a refused file keeps every other file. While one
    file is stored, the next ones are read, decoded and fingerprinted on a second
    thread (SQLite indexes the text without holding Python's lock, so both cores work).

    on_step(Step) reports the phases of each file of STEP_BYTES or more; returning False
    cancels in the middle of that file, which is then not imported (nothing of it is kept).
    """
    if max_bytes is None:
        max_bytes = import_limit(project)
    files = collect_files(paths)
    report = ImportReport([], total=len(files))
    passages: dict[int, list] = {}

    def prepare(numbered: tuple[int, Path]) -> _Prepared:
        index, path = numbered
        return _prepare(path, max_bytes, lambda: _Steps(on_step, index, len(files), path))

    with _prepared_files(files, prepare, max_bytes, report) as prepared:
        items = iter(prepared)
        finished = False
        while not finished and not report.cancelled and not report.disk_full:
            batch: list[tuple[FileOutcome, _Prepared]] = []
            try:
                with project.store.write(undoable=False):
                    finished, report.cancelled_at = _store_batch(project, items, batch, len(report.outcomes),
                                                                 len(files), on_progress)
                    report.cancelled = report.cancelled_at is not None
                    imported = [(o.document_id, item.fingerprint) for o, item in batch if o.status == "imported"]
                    # Indexed with the batch, in its transaction: a failure rolls back the batch whole.
                    add_to_index(project.store.conn, ((o.document_id, item.title, item.text)
                                                      for o, item in batch if o.status == "imported" and not item.indexed))
                    if imported:
                        project.store.conn.executemany(
                            "INSERT OR REPLACE INTO document_fingerprints(document_id, method, bands) "
                            "VALUES (?, ?, ?)", [(doc_id, METHOD, found.bands) for doc_id, found in imported])
                        # One event per batch: the document list reloads once, not once per file.
                        project.store.notify(Change(ChangeKind.DOCUMENTS_ADDED))
            except (ProjectError, sqlite3.Error) as exc:
                # The batch rolled back as a whole: none of its files is in the project.
                # A full disk refuses every file after it too: stop, and count the batch's files
                # among those not imported rather than list each with the same reason.
                report.disk_full = is_disk_full(exc)
                batch = [(_unsaved(o, exc) if o.status == "imported" else o, item) for o, item in batch
                         if not (report.disk_full and o.status == "imported")]
            for outcome, item in batch:
                report.outcomes.append(outcome)
                if outcome.status == "imported" and item.fingerprint.passages:
                    passages[outcome.document_id] = item.fingerprint.passages
    imported_ids = [o.document_id for o in report.imported]
    try:
        project.duplicates.scan(imported_ids, passages=passages)  # flags near-duplicates and repeats
    except (ProjectError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        report.disk_full = True  # the documents are saved; only their duplicate flags are not
    return report


@contextmanager
def _prepared_files(files: list[Path], prepare: Callable[[tuple[int, Path]], _Prepared], max_bytes: int,
                    report: ImportReport) -> Iterator[Iterable[_Prepared]]:
    """The files prepared in order, ahead of the writer: on a thread, plus worker processes for a large import.

    Worker processes leave the files of STEP_BYTES or more to the thread here, which
    reports their phases and can stop in the middle of one, as without workers.
    """
    numbered = list(enumerate(files))
    cores = usable_cores()
    workers = min(cores, POOL_MAX_WORKERS)
    if len(files) < POOL_MIN_FILES or cores < 2:
        with ReadAhead(numbered, prepare, lambda item: item.size) as prepared:
            yield prepared
        return
    # STEP_BYTES travels with the work: a worker process reads its own copy of the module.
    pool = InOrder(partial(_prepare_chunk, max_bytes=max_bytes, local_from=STEP_BYTES), files,
                   chunk=POOL_CHUNK, workers=workers, ahead=2 * workers)

    def finish(pair: tuple[tuple[int, Path], _Prepared | None]) -> _Prepared:
        numbered_path, item = pair
        if item is None:
            return prepare(numbered_path)
        item.path = numbered_path[1]
        return item

    try:
        with ReadAhead(zip(numbered, pool), finish, lambda item: item.size) as prepared:
            yield prepared
    finally:
        pool.close()  # after the thread that read it has stopped
        report.worker_processes = workers if pool.chunks_in_workers else 0


def _prepare_chunk(paths: list[Path], max_bytes: int, local_from: int) -> list[_Prepared | None]:
    """A worker process's share of an import: each file prepared, or None for one to prepare in the importer."""
    return [_prepare(path, max_bytes, local_from=local_from) for path in paths]


def _store_batch(project: ProjectLike, items: Iterator[_Prepared], batch: list, done: int, total: int,
                 on_progress: ProgressCallback | None) -> tuple[bool, Path | None]:
    """Store files into the open transaction until the batch is full; (no files left, the file cancelled at)."""
    started = time.monotonic()
    for item in items:
        # Only an explicit False cancels: a callback that only prints returns None.
        if item.cancelled or (on_progress is not None and on_progress(done + len(batch), total, item.path) is False):
            return True, item.path
        if item.outcome is not None:
            outcome = item.outcome
        elif item.steps.active:
            try:
                outcome = _store_big(project, item)
            except Cancelled:
                return True, item.path
        else:
            outcome = _store(project, item)
        batch.append((outcome, item))
        if len(batch) >= BATCH_FILES or time.monotonic() - started >= BATCH_SECONDS:
            return False, None
    return True, None


def _store_big(project: ProjectLike, item: _Prepared) -> FileOutcome:
    """Store and index a big file in a savepoint of its own: a cancel in between drops it and only it."""
    with project.store.write(undoable=False):
        item.steps("storing")
        outcome = _store(project, item)
        if outcome.status == "imported":
            item.steps("indexing")
            add_to_index(project.store.conn, [(outcome.document_id, item.title, item.text)])
            item.indexed = True
            item.steps("indexing", 1.0)
    return outcome


def import_limit(project: ProjectLike) -> int:
    """The largest file the project imports, in bytes: its import.max_mb setting, else 50 MB.

    A stored value that is not a positive number (edited by hand, say) falls back
    to the default rather than refusing every file.
    """
    stored = project.store.info(MAX_MB_SETTING)
    try:
        return megabytes_to_bytes(stored) if stored is not None else MAX_TEXT_BYTES
    except ProjectError:
        return MAX_TEXT_BYTES


def set_import_limit(project: ProjectLike, megabytes: float | str) -> None:
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
        raise ProjectError(f"{megabytes!r} is not a size limit; give a positive number of MiB, e.g. 50.")
    return max(1, int(value * 1024 * 1024))


def import_seeds(project: ProjectLike) -> ImportReport:
    """Import the bundled sample articles, read as package data so installed copies work too."""
    from importlib import resources  # only here: ~3 ms of imports

    seeds = sorted(
        (entry for entry in resources.files(SEED_PACKAGE).iterdir() if entry.name.endswith(".txt")),
        key=lambda entry: entry.name,
    )
    report = ImportReport([])
    passages: dict[int, list] = {}
    for entry in seeds:
        # The name, not a path: the package may live in a zip or move on upgrade.
        item = _from_bytes(entry.read_bytes(), Path(entry.name), entry.name, MAX_TEXT_BYTES)
        outcome = item.outcome
        if outcome is None:
            outcome = _store_one(project, item)
            if outcome.status == "imported":
                passages[outcome.document_id] = item.fingerprint.passages
        report.outcomes.append(outcome)
    project.duplicates.scan((o.document_id for o in report.imported), passages=passages)
    return report


@dataclass
class _Prepared:
    """A file read, decoded and fingerprinted, ready to store; or its refusal in outcome."""

    path: Path
    outcome: FileOutcome | None = None
    text: str = ""
    title: str = ""
    source: str = ""
    encoding: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    fingerprint: Fingerprint = Fingerprint(b"")
    size: int = 0  # bytes read, for the read-ahead budget
    note: str = ""
    cancelled: bool = False  # Cancel was pressed while it was read: neither imported nor refused
    steps: _Steps = _QUIET
    indexed: bool = False  # a big file is indexed in its own savepoint, not with its batch

    def __getstate__(self) -> dict:
        # Sent back from a worker process without its path, which the importer has already (a
        # Path is rebuilt from its parts on arrival, a cost on the writer's side per file), and
        # without steps, which report to the importer's callbacks, never a worker's.
        state = self.__dict__.copy()
        del state["path"], state["steps"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, path=None, steps=_QUIET)


def _prepare(path: Path, max_bytes: int, make_steps: Callable[[], _Steps] | None = None, *,
             local_from: int | None = None) -> _Prepared | None:
    """Everything about a file that needs no project: safe to run on the read-ahead thread or in a worker.

    With local_from, a file of that many bytes or more is not read: None says so.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            reason = NO_DOCUMENTS_IN_FOLDER if not _document_files(path) else "is a folder, not a file"
            return _Prepared(path, FileOutcome(path, "refused", reason))
        if info.st_size > max_bytes:
            # Checked before reading: a huge file should not be loaded just to be refused.
            return _Prepared(path, FileOutcome(path, "refused", too_large_reason(info.st_size, max_bytes)))
        if local_from is not None and info.st_size >= local_from:
            return None
        steps = make_steps() if make_steps is not None and info.st_size >= STEP_BYTES else _QUIET
        data = _read(path, info.st_size, steps)
    except FileNotFoundError:
        return _Prepared(path, FileOutcome(path, "refused", "no such file or folder"))
    except OSError as exc:
        return _Prepared(path, FileOutcome(path, "refused", exc.strerror or str(exc)))
    except Cancelled:
        return _Prepared(path, cancelled=True)
    try:
        steps("decoding")
        found = _extract(data, path, max_bytes)
        size = len(data)
        del data  # the bytes go before the text is fingerprinted: one copy of the file at a time
        if isinstance(found, _Prepared):
            return found
        return _finish(found, path, storable(path.absolute()), size, steps)
    except Cancelled:
        return _Prepared(path, cancelled=True)


def _read(path: Path, size: int, steps: _Steps) -> bytes | bytearray:
    """The file's bytes; a big file is read in pieces into one buffer, so Cancel answers in between."""
    if not steps.active:
        return path.read_bytes()
    buffer = bytearray(size)
    done = 0
    with open(path, "rb") as file, memoryview(buffer) as view:
        while done < size:
            steps("reading", done / size)
            count = file.readinto(view[done:done + _READ_BYTES])
            if not count:
                break
            done += count
    del buffer[done:]  # the file shrank while it was read
    return buffer


def _from_bytes(data: bytes, path: Path, source: str, max_bytes: int) -> _Prepared:
    found = _extract(data, path, max_bytes)
    return found if isinstance(found, _Prepared) else _finish(found, path, source, len(data), _QUIET)


def _extract(data: bytes | bytearray, path: Path, max_bytes: int) -> Extracted | _Prepared:
    try:
        return extract(path, data, max_bytes=max_bytes)
    except ImportRefused as exc:
        return _Prepared(path, FileOutcome(path, "refused", exc.reason))


def _finish(found: Extracted, path: Path, source: str, size: int, steps: _Steps) -> _Prepared:
    text = found.text
    steps("checking duplicates")
    sha256 = text_sha256(text)
    if steps.active:
        found_print = fingerprint(text, on_chunk=lambda fraction: steps("checking duplicates", fraction))
    else:
        found_print = fingerprint(text)
    return _Prepared(path, None, text, (found.title or detect_title(text)).strip() or UNTITLED, source,
                     found.encoding, found.metadata, sha256, found_print, size, "; ".join(found.notes), steps=steps)


def _store(project: ProjectLike, item: _Prepared) -> FileOutcome:
    """Store a prepared file inside the caller's write: imported, skipped as a duplicate, or refused."""
    conn = project.store.conn
    values = (item.title, item.source, item.sha256, item.encoding, now(), item.text)
    try:
        if not item.metadata and project.store.engine == "sqlite":
            # One statement, so SQLite stores it whole or not at all without a savepoint; a text
            # already in the project breaks the unique sha256 index instead of costing a look-up.
            # (On PostgreSQL a failed statement spoils its whole transaction: the savepoint below is needed.)
            doc_id = conn.execute(_INSERT_DOCUMENT, values).lastrowid
        else:
            # The document and its metadata arrive together or not at all. Importing
            # is not an edit the analyst undoes, so it leaves nothing in the undo log.
            # (On PostgreSQL a failed statement spoils its whole transaction: a lone document
            # takes a savepoint too, so a duplicate is skipped and the batch goes on.)
            with project.store.write(undoable=False) as db:
                doc_id = db.execute(_INSERT_DOCUMENT, values).lastrowid
                if item.metadata:
                    project.metadata.set_many(doc_id, item.metadata)
    except (ProjectError, sqlite3.Error, UnicodeError) as exc:
        if is_disk_full(exc):
            raise  # the batch rolls back and the import stops: no later file can be saved either
        existing = conn.execute("SELECT id, title FROM documents WHERE sha256 = ?", (item.sha256,)).fetchone()
        if existing is not None:
            return FileOutcome(item.path, "skipped", f"same text as document {existing[0]} ‘{shown_text(existing[1])}’",
                               existing[0], existing[1])
        # Rolled back; report it like any refusal so the batch goes on.
        return FileOutcome(item.path, "refused", f"could not save it in the project ({exc})")
    return FileOutcome(item.path, "imported", document_id=doc_id, title=item.title, note=item.note)


_INSERT_DOCUMENT = ("INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text) "
                    "VALUES (?, ?, ?, ?, ?, 'todo', ?)")


def _unsaved(outcome: FileOutcome, exc: Exception) -> FileOutcome:
    why = "the disk is full" if is_disk_full(exc) else str(exc)
    return FileOutcome(outcome.path, "refused", f"could not save it in the project ({why})")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
