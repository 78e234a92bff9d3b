"""Memory probe, run as a child process by the bench.

    python -m bench.probe_memory PROJECT DOCUMENT_ID   # the app: PROJECT open, that document shown
    python -m bench.probe_memory --bare                # reference: QMainWindow + QPlainTextEdit

Shows the main window, opens the document, paints it, lets the event loop run
for a second (deferred loads and timers settle, as they would for an analyst
who just opened it), then prints one line and exits:

    MEMORY rss_mb=... peak_mb=... current=... reader_chars=... painted=...

The caller sets QT_QPA_PLATFORM and ANNOTATOR_HOME.
"""

from __future__ import annotations

import sys

from .rss import peak_mb, rss_mb

SETTLE_MS = 1000


def main(argv: list[str]) -> int:
    bare = argv[:1] == ["--bare"]
    if not bare and len(argv) != 2:
        print("usage: python -m bench.probe_memory PROJECT DOCUMENT_ID | --bare", file=sys.stderr)
        return 2
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    if bare:
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QPlainTextEdit(window))
        window.resize(1400, 860)
        view = window.centralWidget()
    else:
        from pathlib import Path

        from annotator.ui.app import create_app, open_project
        from annotator.ui.main_window import MainWindow

        app = create_app(sys.argv[:1])
        window = MainWindow(open_project(Path(argv[0])))
        view = window.reader

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Paint:
                self.count += 1
            return False

    painted = PaintCounter(view.viewport())
    view.viewport().installEventFilter(painted)
    window.show()
    state = {"code": 1}

    def measure() -> None:
        view.viewport().repaint()
        rss, peak = rss_mb(), peak_mb()
        info = "bare=1" if bare else (f"current={window.current_doc_id} "
                                    f"reader_chars={view.document().characterCount() - 1}")
        sys.stdout.write(f"MEMORY rss_mb={rss:.1f} peak_mb={peak:.1f} painted={painted.count} {info}\n"
                         if rss is not None and peak is not None else "MEMORY unreadable\n")
        sys.stdout.flush()
        state["code"] = 0
        window.close()
        app.quit()

    def shown() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(0, shown)
            return
        if not bare:
            window.open_document(int(argv[1]))
        view.viewport().repaint()
        QTimer.singleShot(SETTLE_MS, measure)

    QTimer.singleShot(0, shown)
    app.exec()
    return state["code"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
