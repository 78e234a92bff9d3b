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


# SQLite's primary result code for "database or disk is full"; extended codes keep it in the low byte.
_SQLITE_FULL = 13
DISK_FULL = "The disk is full: free some disk space and try again. Nothing already saved was lost."


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
        if isinstance(code, int) and code & 0xFF == _SQLITE_FULL:
            return True
        exc = exc.__cause__ or exc.__context__
    return False
