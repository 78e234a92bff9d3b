"""Start-up probe, run as a child process by the bench.

    python -m bench.probe_startup PROJECT   # the real app on PROJECT, started as `annotator --project PROJECT`
    python -m bench.probe_startup --bare    # baseline: QMainWindow + QPlainTextEdit

Prints ``READY ...`` on stdout once the main window is shown, exposed and the
event loop has gone idle (a zero-timer fired after show), then a ``PHASES``
line with where the child's own time went, then exits. The parent times from
spawning this process to reading the READY line.

The caller sets QT_QPA_PLATFORM and ANNOTATOR_HOME; this file imports nothing
heavy before main() so that the imports are part of what is timed.
"""

from __future__ import annotations

import sys
import time

_T0 = time.perf_counter()


def _phase(phases: list[tuple[str, float]], name: str) -> None:
    phases.append((name, (time.perf_counter() - _T0) * 1000.0))


def main(argv: list[str]) -> int:
    phases: list[tuple[str, float]] = []
    bare = argv[:1] == ["--bare"]
    if not bare and len(argv) != 1:
        print("usage: python -m bench.probe_startup PROJECT | --bare", file=sys.stderr)
        return 2

    if bare:
        return _bare(phases)
    # As the `annotator --project PROJECT` command starts: its module first (the core, no Qt),
    # then the GUI, whose event loop is where the app waits; the probe takes over at that point.
    from annotator.cli import main as annotator

    _phase(phases, "cli_imported")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    state = {"code": 1}

    def event_loop(app: QApplication) -> int:
        [window] = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
        _phase(phases, "shown")
        _when_idle(window, app, phases, state, _app_info)
        return QGuiApplication.exec()

    QApplication.exec = event_loop
    annotator(["--project", argv[0]])
    return state["code"]


def _bare(phases: list[tuple[str, float]]) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    _phase(phases, "imports")
    app = QApplication(sys.argv[:1])
    _phase(phases, "qapplication")
    window = QMainWindow()
    window.setCentralWidget(QPlainTextEdit(window))
    window.resize(1400, 860)
    _phase(phases, "window_built")
    window.show()
    _phase(phases, "shown")
    state = {"code": 1}
    _when_idle(window, app, phases, state, lambda _window: "bare")
    app.exec()
    return state["code"]


def _app_info(window) -> str:
    # What the parent checks: the documents are listed and one is open in the reader.
    # A lazy list may hold fewer rows than the project has, as long as it can fetch more.
    from PySide6.QtCore import QModelIndex

    model = window.doc_model
    return (f"documents={model.rowCount()} more={int(model.canFetchMore(QModelIndex()))} "
            f"current={window.current_doc_id} reader_chars={window.reader.document().characterCount() - 1}")


def _when_idle(window, app, phases: list[tuple[str, float]], state: dict, info) -> None:
    """Print READY once the window is exposed and the event loop has gone idle, then quit."""
    from PySide6.QtCore import QTimer

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(0, ready)  # not exposed yet: look again next time the loop is idle
            return
        _phase(phases, "idle")
        sys.stdout.write(f"READY {info(window)}\n")
        sys.stdout.flush()
        sys.stdout.write("PHASES " + " ".join(f"{name}={ms:.1f}" for name, ms in phases) + "\n")
        sys.stdout.flush()
        state["code"] = 0
        window.close()  # the app saves its window state and closes the project, as on a real quit
        app.quit()

    QTimer.singleShot(0, ready)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
