"""Resident memory of this process, read from /proc (Linux); no imports beyond the standard library.

Probes import this before Qt, so reading memory never changes what is measured.
"""

from __future__ import annotations


def status_kb(field: str, pid: int | str = "self") -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS: resident now, VmHWM: peak resident); None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def rss_mb(pid: int | str = "self") -> float | None:
    kb = status_kb("VmRSS", pid)
    return None if kb is None else kb / 1024.0


def peak_mb(pid: int | str = "self") -> float | None:
    kb = status_kb("VmHWM", pid)
    return None if kb is None else kb / 1024.0
