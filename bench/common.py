"""What every row shares: the run's context, correctness checks, clocks, child processes and Qt helpers."""

from __future__ import annotations

import cProfile
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import archive

REPO_ROOT = Path(__file__).resolve().parent.parent
BYTECODE_CACHE = Path(__file__).resolve().parent / ".cache" / "pycache"


class CheckFailed(AssertionError):
    """The bench saw wrong results: a correctness failure, never a slow figure."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass
class Clock:
    start: float = 0.0
    end: float = 0.0

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000.0


@dataclass
class Context:
    quick: bool
    repeat: int
    warmup: int
    workdir: Path
    home: Path  # ANNOTATOR_HOME for this run and its children
    spec: archive.ArchiveSpec
    cache: bool = True  # False: build the archive in workdir instead of bench/.cache/
    import_repeat: int = 1
    profiler: cProfile.Profile | None = None  # --profile: enabled around the app's timed work only
    profile_files: list[Path] = field(default_factory=list)  # --profile of a row that runs in a child
    shared_seconds: float | None = None  # --seconds: row 11's tagging time (default 60; 5 with --quick)
    _shared: Path | None = None

    @property
    def dense_spec(self) -> archive.ArchiveSpec:
        """The archive of row 2b/2c: one document carrying very many annotations."""
        return archive.DENSE_SMALL if self.quick else archive.DENSE

    def dense_archive(self) -> Path:
        """A working copy of the dense archive (built once and cached like the main one)."""
        folder = self.workdir / "dense"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / "archive-dense.annotator"
        if not copy.exists():
            shutil.copyfile(archive.cached(self.dense_spec, folder=None if self.cache else self.workdir / "built"),
                            copy)
        return copy

    @property
    def profiling(self) -> bool:
        return self.profiler is not None

    @contextmanager
    def clock(self, *, profile: bool = False) -> Iterator[Clock]:
        """Time a block; under --profile, profile it too when `profile` (the app's timed runs, not references)."""
        c = Clock()
        profiler = self.profiler if profile else None
        if profiler is not None:
            profiler.enable()
        c.start = time.perf_counter()
        try:
            yield c
        finally:
            c.end = time.perf_counter()
            if profiler is not None:
                profiler.disable()

    def profile_file(self, name: str) -> Path | None:
        """Where a child should write its cProfile stats, when this run profiles; None otherwise."""
        if not self.profiling:
            return None
        path = self.workdir / f"{name}-{len(self.profile_files)}.prof"
        self.profile_files.append(path)
        return path

    def archive_source(self) -> Path:
        folder = None if self.cache else self.workdir / "built"
        return archive.cached(self.spec, folder=folder)

    def shared_archive(self) -> Path:
        """One working copy for the rows that only read the archive (start-up, open, export, memory, table)."""
        if self._shared is None:
            self._shared = self.own_archive("shared")
        return self._shared

    def own_archive(self, name: str) -> Path:
        """A fresh working copy for a row that changes the project; the row deletes it when done."""
        folder = self.workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / f"archive-{name}.annotator"
        check(not copy.exists(), f"{copy} already exists")
        shutil.copyfile(self.archive_source(), copy)
        return copy

    def timed_rounds(self) -> range:
        return range(self.warmup + self.repeat)


def discard(path: Path) -> None:
    """Remove a row's own working copy and whatever sat beside it (backups, WAL)."""
    shutil.rmtree(path.parent, ignore_errors=True)


# -- child processes ------------------------------------------------------------------


@dataclass
class ChildRun:
    first_line_ms: float  # from spawning the process to reading its first line of output
    lines: list[str]
    stderr: str
    returncode: int


def run_child(module: str, args: list[str], home: Path, *, timeout: float = 120,
              profile: Path | None = None) -> ChildRun:
    """Run `python -m module args` with the bench's environment; time it to its first line of output."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ANNOTATOR_HOME"] = str(home)
    # An installed app starts from compiled bytecode. Where the environment forbids writing
    # it, every child would compile the app's sources again (~250 ms of a start), so
    # children keep theirs in the bench's cache instead, leaving the source tree clean.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile is not None else []
    command = [sys.executable, *prefix, "-m", module, *args]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=errors, text=True, encoding="utf-8")
        watchdog = threading.Timer(timeout, proc.kill)  # a child that hangs must not hang the bench
        watchdog.start()
        try:
            first = proc.stdout.readline()
            ready = time.perf_counter()
            rest = proc.stdout.read()
            proc.wait(timeout=60)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            watchdog.cancel()
            proc.stdout.close()
        errors.seek(0)
        err = errors.read()
    lines = [first.rstrip("\n"), *rest.splitlines()] if first else rest.splitlines()
    if proc.returncode != 0:
        why = f"killed after {timeout:.0f} s" if proc.returncode < 0 else f"exited {proc.returncode}"
        last = " | ".join(line.strip() for line in err.strip().splitlines()[-3:])
        raise CheckFailed(f"the child `python -m {module}` {why}: {last}")
    return ChildRun((ready - started) * 1000.0, lines, err, proc.returncode)


def fields_of(line: str, prefix: str) -> dict[str, str]:
    """`PREFIX a=1 b=2` as {'a': '1', 'b': '2'}."""
    check(line.startswith(prefix + " ") or line == prefix, f"expected a {prefix} line, got {line!r}")
    return dict(part.split("=", 1) for part in line.split()[1:])


def line_with(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix + " ")]
    check(bool(found), f"no {prefix} line in the child's output: {lines[-5:]}")
    return found[-1]


# -- Qt helpers -----------------------------------------------------------------------


def paint_counter(widget):
    """Counts Paint events a widget receives, to prove a timed paint really happened."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        def __init__(self):
            super().__init__(widget)
            self.count = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Paint:
                self.count += 1
            return False

    counter = PaintCounter()
    widget.installEventFilter(counter)
    return counter


def show(widget) -> None:
    from PySide6.QtTest import QTest

    widget.show()
    check(QTest.qWaitForWindowExposed(widget, 5000), f"{type(widget).__name__} was never exposed")


def formats_at(document, qt_position: int) -> int:
    """How many highlight format ranges cover a Qt position in its block's layout."""
    block = document.findBlock(qt_position)
    offset = qt_position - block.position()
    return sum(1 for r in block.layout().formats() if r.start <= offset < r.start + r.length)


def dispose(window) -> None:
    from PySide6.QtWidgets import QApplication

    window.close()
    window.deleteLater()
    QApplication.processEvents()
