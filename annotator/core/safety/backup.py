"""Backups of a project file, and putting one back.

A backup is a copy made with SQLite's backup API: one consistent snapshot even while
the project is open and being edited. Each is a self-contained project file named
`<UTC time>-<reason>.annotator` (names sort by age and say why), in `<name>.backups/`
beside the project, or in the user data folder when the project's folder is read-only.
Restoring first backs up the file as it is, then swaps the backup in with one rename:
the project path always holds the old or the restored file, never a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.common import lock_os, partial_files
from annotator.core.common.errors import (
    DAMAGED,
    DISK_FULL,
    READ_ONLY,
    ProjectError,
    damaged_message,
    storage_problem,
)
from annotator.core.common.protocols import ProjectLike
from annotator.core.store import lock as project_lock
from annotator.core.store import schema
from annotator.core.store.database import Store
from annotator.core.store.pg.locations import is_url

KEEP_KEY = "backups.keep"
DEFAULT_KEEP = 10
MAX_KEEP = 1000
ON_OPEN_INTERVAL = 3600  # seconds: an analyst reopening all day gets one copy an hour, not dozens
SUFFIX = ".annotator"
STAMP_FORMAT = "%Y-%m-%dT%H-%M-%SZ"
# Copies made before a schema upgrade are the only ones an older Annotator can open; pruning spares them.
PROTECTED_PREFIX = "before-schema-"
_REASON = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# One on-open backup at a time, whichever the project; a restore waits for one still reading the file.
_ON_OPEN = threading.Lock()
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)-([a-z0-9-]+?)(?:~(\d+))?" + re.escape(SUFFIX))


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # UTC
    reason: str  # open, manual, before-restore, before-schema-1-to-3
    documents: int | None  # None when the copy cannot be read
    annotations: int | None
    size: int  # bytes
    problem: str = ""  # why the copy cannot be read, if it cannot

    @property
    def readable(self) -> bool:
        return not self.problem

    @property
    def why(self) -> str:
        """The reason in words: 'on open', 'before upgrade from schema 1 to 3'."""
        upgrade = re.fullmatch(r"before-schema-(\d+)-to-(\d+)", self.reason)
        if upgrade:
            return f"before upgrade from schema {upgrade[1]} to {upgrade[2]}"
        return {"open": "on open", "manual": "made by hand"}.get(self.reason, self.reason.replace("-", " "))


# -- where backups live ---------------------------------------------------------------


def _beside(project_path: Path) -> Path:
    return project_path.parent / f"{project_path.name.removesuffix(SUFFIX)}.backups"


def _fallback(project_path: Path) -> Path:
    from annotator.core.store.paths import data_dir

    import hashlib  # lazy: OpenSSL takes ~3.5 ms to load, and a start-up hashes nothing (issue 17)

    digest = hashlib.sha256(str(project_path.resolve()).encode("utf-8")).hexdigest()[:10]
    return data_dir() / "backups" / f"{project_path.name.removesuffix(SUFFIX)}-{digest}"


def backup_dir(project_path: str | os.PathLike) -> Path:
    """The folder new backups of this project go to (not created here)."""
    path = Path(project_path).resolve()
    beside = _beside(path)
    folder = beside if beside.is_dir() else path.parent
    return beside if os.access(folder, os.W_OK) else _fallback(path)


def _all_dirs(project_path: Path) -> list[Path]:
    # Both places: a project whose folder became read-only keeps its older backups in view.
    path = project_path.resolve()
    return [folder for folder in (_beside(path), _fallback(path)) if folder.is_dir()]


# -- settings ------------------------------------------------------------------------


def backups_to_keep(project: ProjectLike) -> int:
    """How many backups to keep; stored in the project so the app and the command line agree."""
    return _stored_keep(project.store.conn)


def _stored_keep(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM project_info WHERE key = ?", (KEEP_KEY,)).fetchone()
    stored = row[0] if row else None
    try:
        return min(max(int(stored), 1), MAX_KEEP) if stored is not None else DEFAULT_KEEP
    except ValueError:  # edited by hand: fall back rather than refuse to open
        return DEFAULT_KEEP


def set_backups_to_keep(project: ProjectLike, keep: int) -> None:
    if isinstance(keep, bool) or not isinstance(keep, int) or not 1 <= keep <= MAX_KEEP:
        raise ProjectError(f"Keep between 1 and {MAX_KEEP} backups (asked for {keep!r}); 10 is the default.")
    project.store.set_info(KEEP_KEY, str(keep))


# -- a shared project -------------------------------------------------------------------
# Its data lives on the server, which has its own backups (pg_dump, a host's snapshots, point-in-time
# recovery), taken by whoever runs it for the whole team; one copy per coder per hour would be neither.


def shared_store(project_or_path: object):
    """The project's SharedStore when it is a shared project (or its URL is given), else None."""
    store = getattr(project_or_path, "store", project_or_path)
    return store if getattr(store, "engine", "sqlite") != "sqlite" else None


def shared_backup_message(store_or_url: object) -> str:
    """What backing up a shared project means, and how to keep a copy of one's own."""
    from annotator.core.store.pg.locations import describe, without_password

    url = getattr(store_or_url, "url", store_or_url)
    return (f"{describe(url)} is a shared project: it is backed up on its server (pg_dump or the host's own "
            "backups, by whoever runs the server), not copied into a file here, and restored there too. "
            f"Nothing was changed. To keep a copy of your own, run `annotator pull --url {without_password(url)} "
            "--out FILE.annotator`.")


def _refuse_shared(project_or_path: object) -> None:
    store = shared_store(project_or_path)
    if store is not None:
        raise ProjectError(shared_backup_message(store))
    if is_url(project_or_path):
        raise ProjectError(shared_backup_message(project_or_path))


# -- making backups ------------------------------------------------------------------


def _uri(path: Path, query: str) -> str:
    return f"{path.resolve().as_uri()}?{query}"


@contextlib.contextmanager
def _source(project_or_path: ProjectLike | Store | str | os.PathLike) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """The project's path and a connection to read it from: the open one, or a new one closed afterwards."""
    store = getattr(project_or_path, "store", project_or_path)  # a ProjectLike, a Store, or a path
    if hasattr(store, "conn"):
        if store.conn.in_transaction:
            raise ProjectError("Cannot back up in the middle of an edit; try again when it has finished.")
        yield Path(store.path), store.conn
        return
    path = Path(project_or_path)
    if not path.is_file():
        raise ProjectError(f"No project file at {path}; check the path.")
    try:
        # Read-write without create: closing then tidies the -wal/-shm a read-only connection would leave.
        # A read-only file, folder or disk is read as it lies (see read_only_uri), not called damaged.
        writable = lock_os.why_read_only(path) is None
        conn = sqlite3.connect(_uri(path, "mode=rw") if writable else project_lock.read_only_uri(path), uri=True,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot read {path} ({exc}).") from exc
    try:
        _check_annotator_file(conn, path)
        yield path, conn
    finally:
        conn.close()


def _check_annotator_file(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; ProjectError when it is not an Annotator project."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = schema.user_version(conn)
    except sqlite3.DatabaseError as exc:
        if storage_problem(exc) == READ_ONLY:
            raise ProjectError(project_lock.cannot_read_message(path, exc)) from exc
        raise ProjectError(f"{path} is not an Annotator project or is damaged ({exc}).") from exc
    if app_id != schema.APPLICATION_ID:
        raise ProjectError(f"{path} is not an Annotator project; choose a .annotator file.")
    return version


def _copy(conn: sqlite3.Connection, target: Path) -> None:
    """Copy a database into a new file at target, whole or not at all, and flush it to disk."""
    partial = partial_files.partial_path(target)
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(dest)  # one step: the copy is a single consistent snapshot
            # The copy inherits WAL from the project's header; a plain journal keeps it one file.
            dest.execute("PRAGMA journal_mode = DELETE")
            check = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
        if check != "ok":
            raise ProjectError(f"The copy failed its check ({check}): the project may be damaged. Run "
                               "`annotator check` on it, and restore a backup (`annotator restore --list`) if so.")
        _fsync(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "nt":  # Windows cannot open a folder to flush it; NTFS journals renames anyway
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _free_name(folder: Path, stamp: str, reason: str) -> Path:
    target = folder / f"{stamp}-{reason}{SUFFIX}"
    n = 2
    while target.exists():  # two backups in one second (a restore right after Back up now)
        target = folder / f"{stamp}-{reason}~{n}{SUFFIX}"
        n += 1
    return target


def make_backup(project_or_path: ProjectLike | Store | str | os.PathLike, reason: str,
                *, now: datetime | None = None) -> Path:
    """Copy the project (open, or at a path) into its backups folder; return the copy's path."""
    if not _REASON.fullmatch(reason or "") or len(reason) > 60:
        raise ValueError(f"backup reason must be short lowercase words joined by '-', not {reason!r}")
    _refuse_shared(project_or_path)
    with _source(project_or_path) as (path, conn):
        return _backup_from(conn, path, reason, now)


def back_up_now(project_or_path: ProjectLike | Store | str | os.PathLike) -> Path:
    """A backup made on request (the app's Back up now, `annotator backup`); the newest N are kept."""
    _refuse_shared(project_or_path)
    with _source(project_or_path) as (path, conn):
        made = _backup_from(conn, path, "manual", None)
        keep = _stored_keep(conn)
    prune(path, keep)
    return made


def _backup_from(conn: sqlite3.Connection, path: Path, reason: str, now: datetime | None) -> Path:
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(STAMP_FORMAT)
    folder = backup_dir(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial_files.sweep(folder)  # full-size copies a killed backup left behind
        target = _free_name(folder, stamp, reason)
        _copy(conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise ProjectError(f"Could not back up {path.name} into {folder} ({exc}). "
                           + _what_to_do(exc, path)) from exc
    return target


def _what_to_do(exc: BaseException, path: Path) -> str:
    """The way out that fits what went wrong: space, permission, or a damaged project (never space for damage)."""
    problem = storage_problem(exc)
    if problem == DISK_FULL:
        return "The disk is full: free some disk space and try again."
    if problem == READ_ONLY:
        return "Annotator may not write there: make that folder writable, or choose another place for the project."
    if problem == DAMAGED:
        return damaged_message(f"The project {path.name}")
    return "Free some disk space or make that folder writable, then try again."


# -- listing and pruning ---------------------------------------------------------------


def _inspect(path: Path) -> tuple[int | None, int | None, str]:
    try:
        # immutable: a backup never changes, and reading it must leave nothing beside it.
        conn = sqlite3.connect(_uri(path, "mode=ro&immutable=1"), uri=True)
        try:
            version = _check_annotator_file(conn, path)
            if version > schema.SCHEMA_VERSION:
                return None, None, f"made by a newer Annotator (schema {version}); update to restore it"
            documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            annotations = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            return documents, annotations, ""
        finally:
            conn.close()
    except ProjectError as exc:
        return None, None, str(exc)
    except sqlite3.Error as exc:
        return None, None, f"cannot be read ({exc})"


def _sorted_backups(project_path: Path) -> list[tuple[Path, datetime, str]]:
    """Backup files of this project, oldest first (within one second, the last written), unopened."""
    found = []
    for folder in _all_dirs(project_path):
        for path in folder.iterdir():
            match = _NAME.fullmatch(path.name)
            if match and path.is_file():
                created = datetime.strptime(match[1], STAMP_FORMAT).replace(tzinfo=timezone.utc)
                with contextlib.suppress(FileNotFoundError):  # pruned meanwhile by an on-open backup's thread
                    found.append(((created, path.stat().st_mtime_ns, int(match[3] or 1)), path, created, match[2]))
    found.sort(key=lambda item: item[0])
    return [(path, created, reason) for _key, path, created, reason in found]


def list_backups(project_path: str | os.PathLike) -> list[BackupInfo]:
    """Every backup of the project, newest first, with counts read from each copy."""
    found = []
    for path, created, reason in reversed(_sorted_backups(Path(project_path))):
        documents, annotations, problem = _inspect(path)
        with contextlib.suppress(FileNotFoundError):  # pruned meanwhile by an on-open backup's thread
            found.append(BackupInfo(path, created, reason, documents, annotations, path.stat().st_size, problem))
    return found


def prune(project_path: str | os.PathLike, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the `keep` newest backups (copies from before a schema upgrade stay); return the deleted."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    routine = [path for path, _created, reason in _sorted_backups(Path(project_path))
               if not reason.startswith(PROTECTED_PREFIX)]
    removed = routine[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
        Path(f"{path}-wal").unlink(missing_ok=True)  # beside a raw copy of a damaged file
    return removed


def maybe_backup_on_open(project: ProjectLike, keep: int | None = None, min_interval: float = ON_OPEN_INTERVAL,
                         *, now: datetime | None = None) -> Path | None:
    """Back up a project just opened, unless a backup is younger than min_interval seconds.

    The newest backup file is the memory of when the last one was made, so nothing is
    written to the project on open, and deleting the backups folder brings a fresh copy.
    """
    if project.read_only or shared_store(project) is not None:
        return None  # opened beside the Annotator that edits it, or kept by a server: not ours to copy
    return backup_on_open_at(project.path, keep, min_interval, now=now)


def backup_on_open_at(project_path: str | os.PathLike, keep: int | None = None,
                      min_interval: float = ON_OPEN_INTERVAL, *, now: datetime | None = None) -> Path | None:
    """maybe_backup_on_open by path through a connection of its own, so the app can run it on a worker
    thread (a 1 GB copy takes seconds); the backup API reads one snapshot while the app writes on."""
    if is_url(project_path):
        return None  # a shared project is backed up on its server
    now = now or datetime.now(timezone.utc)
    with _ON_OPEN:
        existing = _sorted_backups(Path(project_path))
        if existing and 0 <= (now - existing[-1][1]).total_seconds() < min_interval:
            return None  # a backup dated in the future (clock changed) does not count
        with _source(project_path) as (path, conn):
            made = _backup_from(conn, path, "open", now)
            keep = _stored_keep(conn) if keep is None else keep
        prune(path, keep)
    return made


# -- restoring ------------------------------------------------------------------------


def restore_backup(project_path: str | os.PathLike, backup_path: str | os.PathLike) -> Path | None:
    """Put a backup in place of the project; return the backup of the file it replaced (None if there was none).

    The project must not be open anywhere, this process included: close it first.
    """
    _refuse_shared(project_path)
    project_path, backup_path = Path(project_path), Path(backup_path)
    if not backup_path.is_file():
        raise ProjectError(f"No backup at {backup_path}; choose one from the list of backups.")
    if project_path.exists() and project_path.resolve() == backup_path.resolve():
        raise ProjectError("That backup is the project file itself; choose a backup from its backups folder.")
    problem = _inspect(backup_path)[2]
    if problem:
        raise ProjectError(f"Cannot restore {backup_path.name}: {problem}. Choose another backup.")
    source = sqlite3.connect(_uri(backup_path, "mode=ro&immutable=1"), uri=True)
    try:
        # The lock file keeps other Annotators out until the swap is done; _ON_OPEN waits for an on-open copy.
        with _ON_OPEN, project_lock.acquire(project_path), _sole_access(project_path) as current:
            saved = _save_current(project_path, current)
            if current is None:
                _remove_stale_companions(project_path)
            elif os.name == "nt":
                current.close()  # Windows cannot rename over a file that is still open
            partial_files.sweep(project_path.parent)  # what a killed restore left
            _copy(source, project_path)  # a whole new file beside it, flushed, then one rename over the old
    except (OSError, sqlite3.Error) as exc:
        raise ProjectError(f"Could not restore {project_path.name} ({exc}); the project was left as it was.") from exc
    finally:
        source.close()
    return saved


@contextlib.contextmanager
def _sole_access(path: Path) -> Iterator[sqlite3.Connection | None]:
    """Hold the project file exclusively while it is swapped; None when there is no readable file to hold.

    Leaving WAL needs every other connection closed, so it doubles as the test that nothing
    (this process included, and read-only viewers) has the project open.
    """
    conn = sqlite3.connect(_uri(path, "mode=rw"), uri=True, isolation_level=None, timeout=0) if path.exists() else None
    try:
        if conn is not None:
            try:
                conn.execute("PRAGMA locking_mode = EXCLUSIVE")
                conn.execute("PRAGMA journal_mode = DELETE")  # also folds the -wal into the file and removes it
                has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            except sqlite3.DatabaseError as exc:
                if exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise ProjectError(f"{path.name} is open in Annotator (this window, another one or another "
                                       "program); close it there first, then restore.") from None
                conn.close()  # damaged beyond reading: _save_current keeps its raw bytes instead
                conn = None
        if conn is not None:
            if has_tables and conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
                raise ProjectError(f"{path} belongs to another application; restore to an Annotator project.")
            _remove_stale_companions(path, journal=False)  # the journal is this connection's own, zeroed
        yield conn
    finally:
        if conn is not None:
            conn.close()


def _remove_stale_companions(path: Path, journal: bool = True) -> None:
    # A -wal or hot -journal left by the old file would be replayed into the restored one.
    for suffix in ("-wal", "-shm", *(("-journal",) if journal else ())):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _save_current(path: Path, conn: sqlite3.Connection | None) -> Path | None:
    """Back up the file about to be replaced, so a restore can itself be undone."""
    if conn is not None:
        try:
            return _backup_from(conn, path, "before-restore", None)
        except ProjectError:
            # A damaged page stops SQLite's copy, or fails the copy's check, and a damaged file is
            # what restoring is for: refusing here left no way back. Its bytes are kept instead
            # (a full disk or an unwritable folder fails that copy too, and the restore stops).
            pass
    if not path.exists():
        return None
    # Unreadable as a database, or damaged: keep its bytes (and its -wal) as they are, for recovery tools.
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, datetime.now(timezone.utc).strftime(STAMP_FORMAT), "before-restore")
    shutil.copyfile(path, target)
    if Path(f"{path}-wal").exists():
        shutil.copyfile(f"{path}-wal", f"{target}-wal")
    _fsync(target)
    return target
