"""Start-up probe, run as a child process by the bench.

    python -m bench.probe_startup PROJECT   # the real app on PROJECT
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

    from PySide6.QtCore import QModelIndex, QTimer

    if bare:
        from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

        _phase(phases, "imports")
        app = QApplication(sys.argv[:1])
        _phase(phases, "qapplication")
        window = QMainWindow()
        window.setCentralWidget(QPlainTextEdit(window))
        window.resize(1400, 860)
        _phase(phases, "window_built")
    else:
        from annotator.ui.app import create_app, open_project
        from annotator.ui.main_window import MainWindow

        _phase(phases, "imports")
        app = create_app(sys.argv[:1])
        _phase(phases, "qapplication")
        from pathlib import Path

        project = open_project(Path(argv[0]))
        _phase(phases, "project_open")
        window = MainWindow(project)
        _phase(phases, "window_built")

    window.show()
    _phase(phases, "show")
    state = {"code": 1}

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(0, ready)  # not exposed yet: look again next time the loop is idle
            return
        _phase(phases, "idle")
        if bare:
            info = "bare"
        else:
            # What the parent checks: the documents are listed and one is open in the reader.
            # A lazy list may hold fewer rows than the project has, as long as it can fetch more.
            model = window.doc_model
            info = (f"documents={model.rowCount()} more={int(model.canFetchMore(QModelIndex()))} "
                    f"current={window.current_doc_id} "
                    f"reader_chars={window.reader.document().characterCount() - 1}")
        sys.stdout.write(f"READY {info}\n")
        sys.stdout.flush()
        sys.stdout.write("PHASES " + " ".join(f"{name}={ms:.1f}" for name, ms in phases) + "\n")
        sys.stdout.flush()
        state["code"] = 0
        window.close()  # the app saves its window state and closes the project, as on a real quit
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()
    return state["code"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
