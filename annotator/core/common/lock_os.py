"""What the operating system can tell about processes and file locks, for lock.py.

Kept apart so the lock's rules read without platform details: POSIX has flock and
/proc (Linux), Windows has msvcrt byte-range locks and no safe way to probe a pid
from the standard library.
"""

from __future__ import annotations

import errno
import getpass
import os
import struct
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None

# msvcrt locks byte ranges and refuses reads of locked bytes: lock one far past the JSON.
_WINDOWS_LOCK_OFFSET = 1 << 20


def try_os_lock(fd: int) -> bool | None:
    """True: we now hold the OS lock; False: another handle holds it; None: not available here."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            return None  # e.g. ENOLCK on a file system without locks
    if msvcrt is not None:
        try:
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    return None


# SQLite locks the 512 bytes from 1 GiB of a database file (never data); this byte, past them,
# is ours. The lock is advisory: no read or write of the file is ever hindered by it.
_IDENTITY_BYTE = 0x40000000 + 4096


def try_identity_lock(fd: int) -> bool | None:
    """Hold the file behind fd (opened for writing) against every other holder, by whatever path it was opened.

    True: held; False: another handle holds it; None: not available here. An open-file-description
    lock: it belongs to this handle, so neither another Project in this process nor SQLite closing
    its own handles to the file drops it (a classic fcntl lock dies with any close in the process).
    Linux only; elsewhere the lock file alone guards the project, by its resolved path.
    """
    record = _flock_record("F_WRLCK")
    if record is None:
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, record)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        return None  # no such lock on this kernel or file system


def drop_identity_lock(fd: int) -> None:
    record = _flock_record("F_UNLCK")
    if record is not None:
        try:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, record)
        except OSError:
            pass


def _flock_record(kind: str) -> bytes | None:
    if fcntl is None or not hasattr(fcntl, "F_OFD_SETLK") or struct.calcsize("P") != 8:
        return None
    # struct flock on 64-bit Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid (0 for OFD locks).
    return struct.pack("hhqqi4x", getattr(fcntl, kind), os.SEEK_SET, _IDENTITY_BYTE, 1, 0)


def close_fd(fd: int) -> None:
    # Closing drops the OS lock too (flock is per open file; msvcrt's dies with the handle).
    try:
        os.close(fd)
    except OSError:
        pass


def pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill would end the process on Windows; there the OS lock decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return True  # cannot tell: assume the holder is alive
    return True


def process_start(pid: int) -> str | None:
    """When a process started, in clock ticks since boot (Linux), or None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    rest = stat[stat.rfind(")") + 2:].split()
    return rest[19] if len(rest) > 19 else None


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def host_name() -> str:
    """This computer's name, as socket.gethostname() gives it."""
    if hasattr(os, "uname"):  # the same name, without loading socket (~3 ms of every start-up; issue 17)
        return os.uname().nodename
    import socket  # Windows

    return socket.gethostname()


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return ""


def on_read_only_disk(path: Path) -> bool:
    """Whether the file system holding path is mounted read-only (a CD, a locked share, a snapshot)."""
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_RDONLY", 0))
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def why_read_only(path: Path) -> str | None:
    """Why an existing project cannot be changed here (no write permission), or None."""
    if on_read_only_disk(path):
        return f"it is on a read-only disk or file system ({path.parent})"
    if not os.access(path, os.W_OK):
        return f"the file {path.name} is read-only (you have no permission to change it)"
    # SQLite keeps its write-ahead log (-wal, -shm) and we keep the lock file beside the project.
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is read-only, and changing a project needs files beside it"
    return None
