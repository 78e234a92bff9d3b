"""Import probe, run as a child process by the bench so its memory is its own.

    python -m bench.probe_import FOLDER PROJECT              # the core: import_paths into a new project
    python -m bench.probe_import FOLDER PLAIN.sqlite --raw   # reference: executemany into a plain table

A thread samples the process's resident memory (VmRSS) every half second from
before the import starts to after it ends. Prints one line and exits:

    IMPORT seconds=... imported=... skipped=... refused=... first_mb=... last_mb=... peak_mb=... rss=a,b,c,...

peak_mb is the kernel's high-water mark (VmHWM), so a spike between two samples still shows.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

from .rss import peak_mb, rss_mb

SAMPLE_S = 0.5


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            self.samples.append(rss_mb() or 0.0)
            if self._done.wait(SAMPLE_S):
                break

    def finish(self) -> list[float]:
        self._done.set()
        self.join()
        self.samples.append(rss_mb() or 0.0)
        return self.samples


def import_with_core(folder: Path, target: Path) -> dict[str, int]:
    from annotator.core.corpus.importing import import_paths
    from annotator.core.project import Project

    with Project(target) as project:
        report = import_paths(project, [folder])
    return {"imported": len(report.imported), "skipped": len(report.skipped), "refused": len(report.refused)}


def import_raw(folder: Path, target: Path) -> dict[str, int]:
    """The floor: read every file and insert its text, one transaction, no index, no checks."""
    def rows():
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = Path(root, name)
                yield str(path), path.read_text(encoding="utf-8")

    conn = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE documents(id INTEGER PRIMARY KEY, source TEXT, text TEXT)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO documents(source, text) VALUES (?, ?)", rows())
        conn.execute("COMMIT")
        count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()
    return {"imported": count, "skipped": 0, "refused": 0}


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--raw"):
        print("usage: python -m bench.probe_import FOLDER TARGET [--raw]", file=sys.stderr)
        return 2
    folder, target = Path(argv[0]), Path(argv[1])
    work = import_raw if argv[2:] == ["--raw"] else import_with_core
    if work is import_with_core:  # loaded before the first sample: "first" is the process ready to import
        import annotator.core.corpus.importing  # noqa: F401
        import annotator.core.project  # noqa: F401
    sampler = Sampler()
    sampler.start()
    started = time.perf_counter()
    counts = work(folder, target)
    seconds = time.perf_counter() - started
    samples = sampler.finish()
    print(f"IMPORT seconds={seconds:.3f} " + " ".join(f"{k}={v}" for k, v in counts.items())
          + f" first_mb={samples[0]:.1f} last_mb={samples[-1]:.1f} peak_mb={peak_mb() or 0.0:.1f} "
          + "rss=" + ",".join(f"{s:.0f}" for s in samples), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
