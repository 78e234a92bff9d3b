"""One writer per project: a lock file beside it, and telling a live holder from a crashed one.

`study.annotator` is guarded by `study.annotator.lock`, a small JSON file naming
who has the project open (host, process, user, since when). It is created with
O_CREAT|O_EXCL, so of two Annotators opening at the same moment exactly one wins.

While the project is open its process also holds an OS lock on that file (flock
on POSIX, msvcrt on Windows). The OS drops it the instant the process ends,
however it ends, so "the file exists but nobody holds its OS lock" proves a crash
on this machine. Where the OS lock is unavailable, the process id and its start
time (so a reused pid is not mistaken for the holder) stand in for it. A lock
from another computer cannot be proven dead: network file systems do not always
carry OS locks across machines. It is offered for take-over only when it is old,
and only when the analyst asks for it (a dialog in the app, --force on the command line).

A stale lock is cleared by renaming it to a unique name and checking that the
renamed file is the one judged stale before deleting it, so two Annotators
clearing the same crashed lock never delete each other's fresh one.

The lock file sits beside the project's real path (symlinks resolved), and the writer
also holds an OS lock on a byte of the project file itself (lock_os.try_identity_lock),
so a second writer through a symlink or a hard link is refused like one through the same
name: two writers through two names of one file would each keep their own -wal file
beside it, and together damage the project.

Opening read-only takes no lock: readers never conflict with the writer.
"""

from __future__ import annotations

import errno
import json
import os
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path

from annotator.core.common import lock_os
from annotator.core.common.errors import ProjectError

LOCK_SUFFIX = ".lock"
# A lock from another computer older than this may be taken over, if the analyst says so.
TAKE_OVER_AFTER = timedelta(hours=12)
# A lock file still empty this long after it was created belongs to nobody.
_BEING_WRITTEN = 10.0
_JUST_CREATED = 0.5


@dataclass(frozen=True)
class LockHolder:
    """Who has a project open, as written in its lock file."""

    host: str
    pid: int
    user: str = ""
    started_at: str = ""  # ISO 8601, UTC
    version: str = ""
    boot_id: str = ""  # a restart of the machine ends every process
    process_start: str = ""  # the holder process's start time, to tell a reused pid apart
    os_lock: bool = False  # whether it holds the OS lock, whose release proves it ended

    def since(self) -> str:
        """The start time in the analyst's local time, to the minute."""
        try:
            return datetime.fromisoformat(self.started_at).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return "an unknown time"

    def describe(self) -> str:
        """'on HOST since TIME (user alice, process 1234)'."""
        who = f"user {self.user}, " if self.user else ""
        return f"on {self.host} since {self.since()} ({who}process {self.pid})"

    def started(self) -> datetime | None:
        try:
            started = datetime.fromisoformat(self.started_at)
        except ValueError:
            return None
        return started if started.tzinfo else started.replace(tzinfo=timezone.utc)


class ProjectLocked(ProjectError):
    """Another Annotator process has the project open for editing."""

    def __init__(self, project_path: Path, holder: LockHolder | None, *, can_take_over: bool = False,
                 other_name: bool = False):
        self.path = Path(project_path)
        self.holder = holder
        # Only for a lock from another computer that is old: nothing here can prove it dead.
        self.can_take_over = can_take_over
        if holder is not None:
            where = holder.describe()
        elif other_name:
            where = "under another name (a link to this same file)"
        else:
            where = "in another Annotator (its lock file cannot be read)"
        message = (f"‘{self.path.name}’ is open in Annotator {where}. Only one Annotator can change a project "
                   "at a time: open it read-only, or close it there first.")
        if can_take_over:
            message += (f" That lock is more than {_hours(TAKE_OVER_AFTER)} hours old and comes from another "
                        "computer; if Annotator is no longer running there, you may take the project over.")
        super().__init__(message)


def lock_path(project_path: str | os.PathLike) -> Path:
    # The real path: through a symlink, every opener finds the one lock file.
    project_path = Path(os.path.realpath(project_path))
    return project_path.with_name(project_path.name + LOCK_SUFFIX)


class Lock:
    """This process's hold on one project; release() gives it up (once; later calls do nothing)."""

    def __init__(self, held: "_Held"):
        self._held: _Held | None = held

    @property
    def holder(self) -> LockHolder:
        assert self._held is not None, "released"
        return self._held.holder

    def pin(self) -> None:
        """Hold the project file itself, now that it exists; raises ProjectLocked when a writer
        holds it through another name (a hard link). acquire() already pinned a file that existed."""
        assert self._held is not None, "released"
        self._held.pin()

    def release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.drop()

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class _Held:
    """The lock file this process created; shared by every Project it opens on the same file."""

    def __init__(self, path: Path, fd: int, holder: LockHolder):
        self.path, self.fd, self.holder = path, fd, holder
        self.count = 1
        self.file_fd = -1  # a handle on the project file, holding its identity lock
        self.file_id: tuple[int, int] | None = None

    def pin(self) -> None:
        if self.file_fd >= 0:
            return
        project = path_of(self.path)
        try:
            fd = os.open(project, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except (FileNotFoundError, PermissionError):
            return  # a new project (pinned once created) or a file this process may only read
        identity = _identity(os.fstat(fd))
        state = lock_os.try_identity_lock(fd)
        if state is not True:
            lock_os.close_fd(fd)
            if state is False:
                mine = next((h for h in _held.values() if h.file_id == identity and h is not self), None)
                raise ProjectLocked(project, mine.holder if mine else None, other_name=True)
            return  # no such lock here: the lock file alone guards it
        self.file_fd, self.file_id = fd, identity

    def drop(self) -> None:
        self.count -= 1
        if self.count > 0:
            return
        _held.pop(_key(self.path), None)
        if self.file_fd >= 0:
            # Closing a handle on the project drops any classic fcntl lock this process holds on it,
            # SQLite's included; the Store closed its connection first, so none of its are left.
            lock_os.drop_identity_lock(self.file_fd)
            lock_os.close_fd(self.file_fd)
            self.file_fd, self.file_id = -1, None
        fd_stat = os.fstat(self.fd)
        if os.name == "nt":  # Windows cannot delete a file that is still open
            lock_os.close_fd(self.fd)
            self.fd = -1
        try:
            if _same_file(os.stat(self.path), fd_stat):  # never delete a lock that is no longer ours
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        finally:
            if self.fd >= 0:
                lock_os.close_fd(self.fd)  # unlinked first: a waiting opener that locks the old file sees it replaced


# Locks this process holds, by file: opening the same project twice in one process
# (reopening it from the menu, a second window) is not a conflict.
_held: dict[str, _Held] = {}


def acquire(project_path: str | os.PathLike, *, take_over: bool = False) -> Lock:
    """Lock a project for editing, or raise ProjectLocked saying who has it.

    A stale lock (its process ended) is cleared on the way. take_over also clears an
    old lock from another computer, which cannot be proven stale; only pass it when
    the analyst asked to. OSError (a read-only folder, say) reaches the caller.
    """
    path = lock_path(project_path)
    held = _held.get(_key(path))
    if held is not None and held.holder.pid == os.getpid():  # a forked child holds nothing
        held.pin()  # a file created since the first opener
        held.count += 1
        return Lock(held)
    verdict: ProjectLocked | None = None
    for attempt in range(40):
        held = _create(path)
        if held is not None:
            _held[_key(path)] = held
            try:
                held.pin()
            except BaseException:
                held.drop()
                raise
            return Lock(held)
        verdict = _judge(path, take_over=take_over, clear=True)
        if verdict is not None and attempt >= 4:
            raise verdict
        # Gone, cleared, or being written or cleared by another opener this instant: look again.
        time.sleep(0.02 * (attempt + 1) if attempt < 10 else 0.25)
    raise verdict or ProjectError(f"Could not lock {Path(project_path).name}: its lock file keeps changing. "
                                  "Try again in a moment.")


def current_holder(project_path: str | os.PathLike) -> LockHolder | None:
    """Who has the project open for editing right now, if anyone (clears nothing)."""
    path = lock_path(project_path)
    held = _held.get(_key(path))
    if held is not None:
        return held.holder
    locked = _judge(path, take_over=False, clear=False)
    return locked.holder if locked is not None else None


def claim(project_path: str | os.PathLike, *, read_only: bool = False,
          take_over: bool = False) -> tuple[Lock | None, str | None]:
    """Lock an existing or new project for editing, or say why it opens read-only instead.

    Returns (lock, None) for editing or (None, reason) for reading only; raises
    ProjectLocked when another Annotator has it open, so the caller can offer read-only.
    """
    path = Path(project_path)
    if read_only:
        try:
            holder = current_holder(path)
        except OSError:
            holder = None
        if holder is not None:
            return None, (f"it is open in Annotator {holder.describe()}. "
                          "Close it there, then open it again here to change it.")
        return None, "you opened it read-only. Open it again normally to change it."
    reason = lock_os.why_read_only(path) if path.exists() else None
    if reason is None:
        try:
            return acquire(path, take_over=take_over), None
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            if not path.exists():
                raise ProjectError(f"Cannot create {path.name} in {path.parent}: {exc.strerror}. "
                                   "Choose a folder you can write to.") from exc
            reason = f"Annotator cannot write beside it in {path.parent} ({exc.strerror})"
    return None, (f"{reason}. Copy the project to a folder you can write to, or ask for write permission, "
                  "to change it.")


def refuse_upgrade_read_only(found: int, current: int, reason: str | None) -> None:
    """A project from an older Annotator must be upgraded, which writes; read-only cannot do that."""
    if found < current:
        raise ProjectError(f"This project was made by an older Annotator (schema {found}) and must be upgraded "
                           f"to schema {current} before it can be opened, which changes the file; it opens "
                           f"read-only here because {reason} It was left as it was.")


def read_only_uri(project_path: str | os.PathLike, query: str = "mode=ro", *, unwritten: bool = False) -> str:
    """An SQLite URI that reads a project without changing it, also where nothing can be created beside it.

    SQLite reads a WAL project through a -shm file it creates beside it; where it cannot
    (a read-only folder or disk) and no -wal holds edits not yet in the file, nobody is
    writing it (a writer needs its lock file and -wal there), so it is read as it lies.
    A -wal there without its -shm was left by a writer that ended (a live one keeps its
    -shm): its committed edits are read from a private copy (see _copy_with_wal), since
    SQLite can neither read them in place nor fold them in.
    unwritten says the caller knows nobody writes it (a damaged file it just had locked):
    read as it lies then too, leaving no -wal or -shm beside it.
    """
    path = Path(project_path)
    uri = f"{path.resolve().as_uri()}?{query}"
    beside = os.access(path.resolve().parent, os.W_OK) and not lock_os.on_read_only_disk(path)
    wal = Path(f"{path}-wal")
    if not wal.exists():
        return uri + "&immutable=1" if unwritten or not beside else uri
    if beside or Path(f"{path}-shm").exists():
        return uri
    if wal.stat().st_size <= WAL_HEADER_BYTES:  # not one frame in it: the file alone is the project
        return uri + "&immutable=1"
    return f"{_copy_with_wal(path).as_uri()}?{query}&immutable=1"


WAL_HEADER_BYTES = 32
# Copies made this run, by the project's and its -wal's identity and size: opening the
# project, its worker and a backup read one copy; each folder goes when the process ends.
_copies: dict[tuple, Path] = {}


def _copy_with_wal(path: Path) -> Path:
    """A copy of the project with its leftover -wal folded in, in a private temporary folder.

    Replaying the -wal in the copy keeps exactly the transactions that were committed
    (SQLite checks each frame's checksum and commit mark), as opening the project where
    it may be written would. Reading the file alone (immutable) would miss those edits.
    """
    import atexit
    import shutil
    import sqlite3
    import tempfile

    wal = Path(f"{path}-wal")
    key = tuple((str(p.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                for p, st in ((path, path.stat()), (wal, wal.stat())))
    copy = _copies.get(key)
    if copy is not None and copy.exists():
        return copy
    folder = Path(tempfile.mkdtemp(prefix="annotator-read-"))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / path.name
    try:
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, f"{copy}-wal")
        conn = sqlite3.connect(copy)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()  # the last connection folds the -wal in and removes it
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ProjectError(f"Cannot read {path.name}: its folder cannot be written to, and it has edits in "
                           f"{wal.name} that SQLite reads only where it may write, so Annotator copies both "
                           f"into {folder.parent} to read them, which failed ({exc}). Free some space there, "
                           "or copy the project with its -wal file to a folder you can write to. Nothing was "
                           "changed.") from exc
    _copies[key] = copy
    return copy


def cannot_read_message(project_path: Path, exc: Exception) -> str:
    return (f"Cannot read {project_path.name} read-only ({exc}): SQLite needs to create small files (-shm, -wal) "
            f"beside a project to read it, and {project_path.parent} does not allow that. Copy the project "
            "to a folder you can write to, or ask for write permission there. Nothing was changed.")


# -- creating --------------------------------------------------------------------


def _create(path: Path) -> _Held | None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return None
    try:
        os_lock = False
        for _ in range(50):  # an opener judging the lock holds it for an instant
            state = lock_os.try_os_lock(fd)
            if state is not False:
                os_lock = bool(state)
                break
            time.sleep(0.02)
        holder = _me(os_lock)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(asdict(holder), indent=1).encode("utf-8"))
    except BaseException:
        lock_os.close_fd(fd)
        _unlink_quietly(path)
        raise
    return _Held(path, fd, holder)


def _me(os_lock: bool) -> LockHolder:
    return LockHolder(
        host=lock_os.host_name(), pid=os.getpid(), user=lock_os.user_name(),
        started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), version=_version(),
        boot_id=lock_os.boot_id(), process_start=lock_os.process_start(os.getpid()) or "", os_lock=os_lock,
    )


# -- judging an existing lock ----------------------------------------------------


def _judge(path: Path, *, take_over: bool, clear: bool) -> ProjectLocked | None:
    """ProjectLocked if a live (or unprovably dead) holder has the lock; None when it is gone
    or stale (then cleared if clear), or is being written or cleared right now."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except PermissionError:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        seen = os.fstat(fd)
        holder = _parse(os.read(fd, 64 * 1024))
        state = lock_os.try_os_lock(fd)
        if state is False:  # someone holds it: the holder, or an opener looking at it this instant
            return ProjectLocked(path_of(path), holder)
        try:
            if not _same_file(os.stat(path), seen):
                return None  # replaced while we looked
        except FileNotFoundError:
            return None
        verdict = _verdict(path, holder, seen, os_lock_free=state is True, take_over=take_over)
        if verdict is not None or not clear:
            return verdict
        if os.name == "nt":  # Windows renames no open file; ours is the only handle left
            lock_os.close_fd(fd)
            fd = -1
        _clear(path, seen)
        return None
    finally:
        if fd >= 0:
            lock_os.close_fd(fd)


def _verdict(path: Path, holder: LockHolder | None, seen: os.stat_result, *, os_lock_free: bool,
             take_over: bool) -> ProjectLocked | None:
    """None when the lock is stale; otherwise why it stands."""
    if holder is None:
        # A creator takes the OS lock an instant after creating the file, so an empty lock
        # nobody holds is a crash mid-creation once that instant has passed; without OS
        # locks, wait longer for a slow writer.
        guard = _JUST_CREATED if os_lock_free else _BEING_WRITTEN
        if time.time() - seen.st_mtime < guard:
            return ProjectLocked(path_of(path), None)  # just created, not yet written
        return None  # garbage nobody holds: a crash while it was being written
    if holder.host != lock_os.host_name():
        started = holder.started()
        old = started is not None and datetime.now(timezone.utc) - started > TAKE_OVER_AFTER
        if old and take_over:
            return None
        return ProjectLocked(path_of(path), holder, can_take_over=old)
    if holder.os_lock and os_lock_free:
        return None  # the OS let go of its lock: the process has ended
    if holder.boot_id and lock_os.boot_id() and holder.boot_id != lock_os.boot_id():
        return None  # the machine restarted since
    if not lock_os.pid_alive(holder.pid):
        return None
    now_start = lock_os.process_start(holder.pid)
    if holder.process_start and now_start and now_start != holder.process_start:
        return None  # the pid now belongs to another process
    return ProjectLocked(path_of(path), holder)


def _clear(path: Path, seen: os.stat_result) -> None:
    aside = path.with_name(f"{path.name}.stale-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return  # another opener cleared it first
    try:
        moved = os.stat(aside)
    except FileNotFoundError:
        return
    if not _same_file(moved, seen):
        # A fresh lock appeared between our look and the rename: put it back untouched.
        try:
            os.link(aside, path)
        except OSError:
            return  # yet another lock is in place; leave the moved one for its owner
        _unlink_quietly(aside)
        return
    _unlink_quietly(aside)


def path_of(lock: Path) -> Path:
    """The project a lock file guards."""
    return lock.with_name(lock.name.removesuffix(LOCK_SUFFIX))


def _parse(data: bytes) -> LockHolder | None:
    try:
        raw = json.loads(data.decode("utf-8"))
        known = {f.name for f in fields(LockHolder)}
        return LockHolder(**{k: v for k, v in raw.items() if k in known})
    except (ValueError, TypeError, AttributeError):
        return None


def _version() -> str:
    from annotator import __version__  # read once, without importlib.metadata (see annotator/__init__.py)

    return __version__


# -- small helpers -----------------------------------------------------------------


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return _identity(a) == _identity(b)


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)
