"""Errors the core raises for the user to read: each says what went wrong and what to do."""

import errno


class ProjectError(Exception):
    """A project file cannot be opened or changed as asked."""


class AnnotationError(ValueError):
    """An annotation request does not fit the document or the codebook."""


class ImportRefused(Exception):
    """A file cannot become a document; the reason says why and, where it can, what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# What went wrong underneath, for messages that say what is true: a full disk, a damaged
# file and a folder Annotator may not write to each need a different thing done about them.
DISK_FULL = "full"
DAMAGED = "damaged"
READ_ONLY = "read-only"

_SQLITE_KINDS = {13: DISK_FULL, 11: DAMAGED, 26: DAMAGED, 8: READ_ONLY}  # SQLITE_FULL, CORRUPT, NOTADB, READONLY
# SQLITE_IOERR_SHMSIZE: the -shm file beside a WAL project could not grow, which on a full disk is
# all SQLite says ("disk I/O error"); seen creating a project on a full disk, called damaged before.
_SQLITE_SHM_FULL = 4874
_ERRNO_KINDS = {"ENOSPC": DISK_FULL, "EDQUOT": DISK_FULL, "EROFS": READ_ONLY, "EACCES": READ_ONLY,
                "EPERM": READ_ONLY}


def storage_problem(exc: BaseException) -> str | None:
    """DISK_FULL, DAMAGED or READ_ONLY when exc (or what caused it) is one of those, else None."""
    import errno
    import sqlite3

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code == _SQLITE_SHM_FULL:
                return DISK_FULL
            if code is not None and code & 0xFF in _SQLITE_KINDS:
                return _SQLITE_KINDS[code & 0xFF]
            text = str(exc).lower()
            if "disk is full" in text:
                return DISK_FULL
            if "malformed" in text or "not a database" in text:
                return DAMAGED
            if "readonly database" in text:
                return READ_ONLY
        elif isinstance(exc, OSError) and exc.errno is not None:
            kind = _ERRNO_KINDS.get(errno.errorcode.get(exc.errno, ""))
            if kind is not None:
                return kind
        exc = exc.__cause__ or exc.__context__
    return None


def damaged_message(name: str, detail: str = "") -> str:
    """The file is damaged, what was seen, and the way out."""
    seen = f" ({detail})" if detail else ""
    return (f"{name} is damaged{seen}. Nothing more is written to it: restore a backup (`annotator restore "
            f"--list` shows them) or run `annotator check` on it to see what is wrong.")


# SQLite's primary result code for "database or disk is full"; extended codes keep it in the low byte.
_SQLITE_FULL = 13
DISK_FULL_MESSAGE = "The disk is full: free some disk space and try again. Nothing already saved was lost."


def disk_full_stop(not_reached: int, noun: str) -> str:
    """The last line of an import report that a full disk stopped."""
    left = f"; {not_reached} more {noun}{' was' if not_reached == 1 else 's were'} not imported" if not_reached else ""
    return (f"The disk is full, so the import stopped{left}. Free some disk space and import again: "
            f"what was imported is kept, and is skipped as a duplicate next time.")


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether an error (or what caused it) is a full disk, as SQLite or the file system reports it."""
    for _ in range(20):  # the cause chain, not forever
        if exc is None:
            return False
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return True
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF == _SQLITE_FULL or code == _SQLITE_SHM_FULL):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
