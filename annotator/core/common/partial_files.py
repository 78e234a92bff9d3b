"""Files still being written (exports, backups): a name that says so, and clearing what a killed writer left.

Every export and backup is written beside its target under a partial name and renamed
over the target once whole, so the target is never half a file. A writer killed part-way
(SIGKILL, a power cut) leaves its partial file behind, as big as it had got; these names
let the next export or backup into that folder find and delete it:

    .<target name>.<machine>-<pid>-<random>.annotator-partial

<machine> stands for this computer since its last start, and <pid> for the writer: a
partial of this machine whose writer has ended is deleted at once, and one from another
computer (a shared folder) or from before a restart once it is a day old, so a file
another running Annotator is writing is never taken from under it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.common import lock_os

MARK = ".annotator-partial"
# A partial file of another machine, or of an earlier boot of this one, untouched this long is abandoned.
STALE_AFTER = 24 * 3600.0
_NAME = re.compile(r"\..+\.([0-9a-f]{8})-(\d+)-[0-9a-f]{8}" + re.escape(MARK))
# What SQLite keeps beside a database it writes (a backup's partial copy).
_COMPANIONS = ("-journal", "-wal", "-shm")
# Names of partial files from Annotators before this scheme: only their age tells them apart.
_LEGACY = re.compile(r"\..+\.annotator\.partial|\..+\.[0-9a-f]{8}\.tmp")

_machine_cache: list[str] = []


def _machine() -> str:
    if not _machine_cache:
        seed = f"{lock_os.host_name()}\0{lock_os.boot_id()}".encode("utf-8", "replace")
        import hashlib  # lazy: OpenSSL takes ~3.5 ms to load, and a start-up hashes nothing (issue 17)

        _machine_cache.append(hashlib.sha256(seed).hexdigest()[:8])
    return _machine_cache[0]


def partial_path(target: Path) -> Path:
    """Where to write target until it is whole (hidden, beside it, so the final rename stays on one disk)."""
    return target.with_name(f".{target.name}.{_machine()}-{os.getpid()}-{os.urandom(4).hex()}{MARK}")


def is_stale(path: Path, *, now: float | None = None) -> bool:
    """Whether path is a partial file nobody is writing any more."""
    match = _NAME.fullmatch(path.name)
    legacy = match is None and _LEGACY.fullmatch(path.name) is not None
    if match is None and not legacy:
        return False
    if match is not None and match[1] == _machine():
        pid = int(match[2])
        return pid != os.getpid() and not lock_os.pid_alive(pid)
    try:
        age = (now or time.time()) - path.stat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER


def sweep(folder: Path) -> list[Path]:
    """Delete the partial files killed writers left in folder (with SQLite's files beside them); never raises."""
    removed = []
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(".")]
    except OSError:
        return removed
    for name in names:
        path = folder / name
        if not is_stale(path):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
        for suffix in _COMPANIONS:
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()
    return removed


@contextlib.contextmanager
def atomic_output(out: Path, *, encoding: str | None = "utf-8") -> Iterator[Any]:
    """A text file (binary with encoding=None) that appears at `out` whole or not at all.

    Writing goes to a partial file beside `out` (named as above), synced and renamed
    over it at the end, and removed if anything fails; errors name `out`, not the
    partial file. Partial files a killed export left in that folder are deleted first.
    """
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a folder, not a file; choose a file name", str(out))
    sweep(out.parent)
    tmp = partial_path(out)
    try:
        # Mode "x" creates with the usual permissions (umask), unlike mkstemp's 0600,
        # so the exported file can be shared like any other the user saves.
        text = encoding is not None
        with open(tmp, "x" if text else "xb", encoding=encoding, newline="" if text else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        # The temporary name means nothing to the user; report the file they asked for.
        if isinstance(exc, OSError) and exc.filename == str(tmp):
            exc.filename, exc.filename2 = str(out), None
        raise
