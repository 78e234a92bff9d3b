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
import hashlib
import os
import re
import secrets
import socket
import time
from pathlib import Path

from . import lock_os

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
        seed = f"{socket.gethostname()}\0{lock_os.boot_id()}".encode("utf-8", "replace")
        _machine_cache.append(hashlib.sha256(seed).hexdigest()[:8])
    return _machine_cache[0]


def partial_path(target: Path) -> Path:
    """Where to write target until it is whole (hidden, beside it, so the final rename stays on one disk)."""
    return target.with_name(f".{target.name}.{_machine()}-{os.getpid()}-{secrets.token_hex(4)}{MARK}")


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
