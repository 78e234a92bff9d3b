"""The four measured figures, each with its baseline and its correctness checks.

Every row runs one untimed warm-up round, then `repeat` timed rounds, and
checks that the work really happened (documents listed, text and highlights
loaded, tags stored, CSV rows written); a failed check raises CheckFailed and
the row is reported as FAILED. No row compares a time against a target.
"""

from __future__ import annotations

import csv
import gc
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import fixtures
from .report import RowResult

REPO_ROOT = Path(__file__).resolve().parent.parent


class CheckFailed(AssertionError):
    """The bench saw wrong results: a correctness failure, never a slow figure."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass
class Context:
    quick: bool
    repeat: int
    warmup: int
    workdir: Path
    home: Path  # ANNOTATOR_HOME for this run
    cache: bool
    open_size: int
    export_size: int
    table_size: int = 1000


def titles(ctx: Context) -> dict[str, str]:
    return {
        "startup": "process start to main window shown",
        "open": f"open the longest seed with {ctx.open_size:,} synthetic annotations, first paint",
        "tag": "tag-to-stored latency",
        "export": f"CSV export of {ctx.export_size:,} annotations",
        "table": f"annotation table over {ctx.table_size:,} rows: jump to last row, filter by label",
    }


def _ms(start: float, end: float) -> float:
    return (end - start) * 1000.0


# -- Qt helpers --------------------------------------------------------------------


def _paint_counter(widget):
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


def _show(widget) -> None:
    from PySide6.QtTest import QTest

    widget.show()
    check(QTest.qWaitForWindowExposed(widget, 5000), f"{type(widget).__name__} was never exposed")


def _formats_at(document, qt_position: int) -> int:
    """How many highlight format ranges cover a Qt position in its block's layout."""
    block = document.findBlock(qt_position)
    offset = qt_position - block.position()
    return sum(1 for r in block.layout().formats() if r.start <= offset < r.start + r.length)


def _dispose(window) -> None:
    from PySide6.QtWidgets import QApplication

    window.close()
    window.deleteLater()
    QApplication.processEvents()


# -- 1. process start to main window shown -----------------------------------------


def _spawn_probe(args: list[str], home: Path) -> tuple[float, str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ANNOTATOR_HOME"] = str(home)
    command = [sys.executable, "-m", "bench.probe_startup", *args]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=errors, text=True, encoding="utf-8")
        watchdog = threading.Timer(120, proc.kill)  # a child that never gets READY must not hang the bench
        watchdog.start()
        try:
            line = proc.stdout.readline()
            ready = time.perf_counter()
            rest = proc.stdout.read()  # the PHASES line, then EOF when the child exits
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
    check(line.startswith("READY"), f"probe {args} printed {line!r} instead of READY; stderr: {err.strip()[-500:]}")
    check(proc.returncode == 0, f"probe {args} exited {proc.returncode}; stderr: {err.strip()[-500:]}")
    phases = next((x[len("PHASES "):] for x in rest.splitlines() if x.startswith("PHASES ")), "")
    return _ms(started, ready), line.strip(), phases


def row_startup(ctx: Context, result: RowResult) -> None:
    fixture = fixtures.prepare("seeds", 0, ctx.workdir, cache=ctx.cache)
    from annotator.core.project import Project

    with Project(fixture.path) as project:
        expected_docs = project.documents.count()
    home = ctx.home / "startup"
    home.mkdir(parents=True, exist_ok=True)
    app_phases: list[str] = []
    # Interleaved, so that drift in the machine's load hits both sides alike.
    for i in range(ctx.warmup + ctx.repeat):
        ms, line, phases = _spawn_probe([str(fixture.path)], home)
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        check(fields.get("documents") == str(expected_docs),
              f"start-up window listed {fields.get('documents')} documents, expected {expected_docs}")
        check(fields.get("current") not in (None, "None"), "start-up window opened no document")
        check(int(fields.get("reader_chars", "0")) > 0, "start-up reader shows no text")
        base_ms, base_line, _ = _spawn_probe(["--bare"], home)
        check(base_line == "READY bare", f"bare probe printed {base_line!r}")
        if i >= ctx.warmup:
            result.samples.append(ms)
            result.baseline.append(base_ms)
            app_phases.append(phases)
    if app_phases:
        result.notes.append("app child's own clock, last run (ms since its main module started): "
                            + app_phases[-1])


# -- 2. open the longest seed with N annotations, first paint ------------------------


def row_open(ctx: Context, result: RowResult) -> None:
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from annotator.core.project import Project
    from annotator.ui.main_window import MainWindow

    fixture = fixtures.prepare("open", ctx.open_size, ctx.workdir, cache=ctx.cache)
    project = Project(fixture.path)
    longest = fixtures.longest_document(project)
    others = [s.id for s in project.documents.summaries() if s.id != longest]
    check(bool(others), "the fixture needs a second document to switch to")
    other = others[0]
    text, other_text = project.documents.text(longest), project.documents.text(other)
    spans = [a for a in project.annotations.for_document(longest) if not a.is_document_level]
    check(len(spans) == ctx.open_size, f"fixture holds {len(spans)} spans on the longest seed, not {ctx.open_size}")

    window = MainWindow(project)
    _show(window)
    reader = window.reader
    painted = _paint_counter(reader.viewport())
    app = QApplication.instance()
    try:
        for i in range(ctx.warmup + ctx.repeat):
            window.open_document(other)
            app.processEvents()
            gc.collect()
            before = painted.count
            t0 = time.perf_counter()
            window.open_document(longest)
            reader.viewport().repaint()
            t1 = time.perf_counter()
            check(painted.count > before, "the reader viewport was not painted by repaint()")
            app.processEvents()
            if i >= ctx.warmup:
                result.samples.append(_ms(t0, t1))
        # What the analyst would see: the whole text, every span listed and highlighted.
        check(window.current_doc_id == longest, "the longest seed is not the open document")
        check(reader.document().characterCount() - 1 == reader.positions.qt_length,
              "the reader does not hold the whole text")
        check(window.annotation_panel.model.rowCount() == ctx.open_size,
              f"annotation list shows {window.annotation_panel.model.rowCount()} rows, not {ctx.open_size}")
        for a in random.Random(7).sample(spans, min(25, len(spans))):
            qt_start = reader.positions.to_qt(a.start)
            check(_formats_at(reader.document(), qt_start) > 0, f"annotation {a.id} is not highlighted")
        size = reader.viewport().size()
    finally:
        _dispose(window)

    edit = QPlainTextEdit()
    edit.resize(size)
    _show(edit)
    base_painted = _paint_counter(edit.viewport())
    try:
        for i in range(ctx.warmup + ctx.repeat):
            edit.setPlainText(other_text)
            app.processEvents()
            gc.collect()
            before = base_painted.count
            t0 = time.perf_counter()
            edit.setPlainText(text)
            edit.viewport().repaint()
            t1 = time.perf_counter()
            check(base_painted.count > before, "the baseline viewport was not painted by repaint()")
            app.processEvents()
            if i >= ctx.warmup:
                result.baseline.append(_ms(t0, t1))
    finally:
        _dispose(edit)
    result.notes.append(f"document {longest}: {len(text):,} code points, {ctx.open_size:,} span annotations; "
                        f"switched from document {other} before each run")


# -- 3. tag-to-stored latency -------------------------------------------------------


def _pick_words(text: str, count: int) -> list[tuple[int, int]]:
    """Distinct whole words (4+ letters) that tagging will not re-snap, spread over the text."""
    from annotator.core.words import snap_to_words

    words = [m.span() for m in re.finditer(r"[^\W_]{4,}", text)]
    words = [w for w in words if snap_to_words(text, *w) == w]
    check(len(words) >= count, f"only {len(words)} taggable words, need {count}")
    return random.Random(11).sample(words, count)


def row_tag(ctx: Context, result: RowResult) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.core.project import Project
    from annotator.ui.main_window import MainWindow

    fixture = fixtures.prepare("seeds", 0, ctx.workdir, cache=ctx.cache)
    project = Project(fixture.path)
    doc_id = fixtures.longest_document(project)
    text = project.documents.text(doc_id)
    organization = project.codebook.by_key("O")
    check(organization is not None and organization.layer != "stance", "the codebook has no non-stance label on O")
    window = MainWindow(project)
    _show(window)
    app = QApplication.instance()
    window.open_document(doc_id)
    reader = window.reader
    reader.setFocus()
    app.processEvents()
    painted = _paint_counter(reader.viewport())
    observer = sqlite3.connect(str(fixture.path), isolation_level=None)  # a second connection sees commits only
    try:
        last_id = observer.execute("SELECT coalesce(max(id), 0) FROM annotations").fetchone()[0]
        for i, (start, end) in enumerate(_pick_words(text, ctx.warmup + ctx.repeat)):
            qt_start, qt_end = reader.positions.span_to_qt(start, end)
            cursor = reader.textCursor()
            cursor.setPosition(qt_start)
            cursor.setPosition(qt_end, QTextCursor.KeepAnchor)
            reader.setTextCursor(cursor)
            app.processEvents()  # the selection's own repaint is not part of the figure
            gc.collect()
            before = painted.count
            rows: list = []
            t0 = time.perf_counter()
            QTest.keyClick(reader, Qt.Key_O)
            deadline = t0 + 10.0
            while True:
                if not rows:
                    rows = observer.execute(
                        "SELECT id, document_id, label_id, span_start, span_end, text FROM annotations "
                        "WHERE id > ? ORDER BY id", (last_id,)).fetchall()
                if rows and painted.count > before:
                    break
                check(time.perf_counter() < deadline,
                      f"after 10 s: {len(rows)} new rows, {painted.count - before} repaints")
                app.processEvents()
            t1 = time.perf_counter()
            check(len(rows) == 1, f"one key press stored {len(rows)} rows")
            row_id, row_doc, row_label, row_start, row_end, row_text = rows[0]
            check((row_doc, row_label) == (doc_id, organization.id), f"row {row_id} has the wrong document or label")
            check((row_start, row_end) == (start, end), f"tagged {start}-{end} but stored {row_start}-{row_end}")
            check(row_text == text[start:end], f"row {row_id} text {row_text!r} != document slice")
            check(_formats_at(reader.document(), qt_start) > 0, f"tag {row_id} is stored but not highlighted")
            last_id = row_id
            if i >= ctx.warmup:
                result.samples.append(_ms(t0, t1))
        stored = observer.execute("SELECT count(*) FROM annotations WHERE label_id = ?",
                                  (organization.id,)).fetchone()[0]
        check(stored == ctx.warmup + ctx.repeat, f"{stored} tags stored, expected {ctx.warmup + ctx.repeat}")
    finally:
        observer.close()
        _dispose(window)

    scratch = sqlite3.connect(str(ctx.workdir / "scratch.sqlite"), isolation_level=None)
    try:
        scratch.execute("PRAGMA journal_mode = WAL")
        scratch.execute("PRAGMA synchronous = NORMAL")  # what the app's Store uses
        scratch.execute("CREATE TABLE IF NOT EXISTS scratch(id INTEGER PRIMARY KEY, document_id INTEGER, "
                        "span_start INTEGER, span_end INTEGER, text TEXT, created_at TEXT)")
        for i in range(ctx.warmup + ctx.repeat):
            gc.collect()
            t0 = time.perf_counter()
            scratch.execute("BEGIN")
            scratch.execute("INSERT INTO scratch(document_id, span_start, span_end, text, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", (doc_id, i, i + 4, "word", "2024-05-01T09:30:00+00:00"))
            scratch.execute("COMMIT")
            t1 = time.perf_counter()
            if i >= ctx.warmup:
                result.baseline.append(_ms(t0, t1))
        check(scratch.execute("SELECT count(*) FROM scratch").fetchone()[0] == ctx.warmup + ctx.repeat,
              "baseline rows missing")
    finally:
        scratch.close()
    result.notes.append(f"key O on {ctx.warmup + ctx.repeat} different words of document {doc_id} "
                        "(seeds project, no other annotations); timed to row visible from a second "
                        "connection and the reader viewport repainted")


# -- 4. CSV export of N annotations ------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def row_export(ctx: Context, result: RowResult) -> None:
    from annotator.core.exporting import ANNOTATION_COLUMNS, export_annotations
    from annotator.core.project import Project

    fixture = fixtures.prepare("export", ctx.export_size, ctx.workdir, cache=ctx.cache)
    out = ctx.workdir / "export.csv"
    with Project(fixture.path) as project:
        stored = project.annotations.count()
        check(stored == ctx.export_size, f"fixture holds {stored} annotations, not {ctx.export_size}")
        texts = {s.id: project.documents.text(s.id) for s in project.documents.summaries()}
        for i in range(ctx.warmup + ctx.repeat):
            out.unlink(missing_ok=True)
            gc.collect()
            t0 = time.perf_counter()
            written = export_annotations(project, out)
            t1 = time.perf_counter()
            check(written == ctx.export_size, f"export_annotations reported {written} rows, not {ctx.export_size}")
            if i >= ctx.warmup:
                result.samples.append(_ms(t0, t1))
        # Same columns, pre-fetched, for the baseline.
        prefetched = project.store.db.execute(
            "SELECT a.id, a.document_id, d.title, l.layer, l.name, a.span_start, a.span_end, a.text, a.target, "
            "a.note, a.annotator, a.created_at, a.updated_at FROM annotations a "
            "JOIN documents d ON d.id = a.document_id JOIN labels l ON l.id = a.label_id "
            "ORDER BY a.document_id, a.span_start IS NOT NULL, a.span_start, a.span_end DESC, a.id"
        ).fetchall()

    rows = _read_csv(out)
    # The documented columns lead; richer coding appends more (entity, roles, attr_*).
    check(rows[0][:len(ANNOTATION_COLUMNS)] == ANNOTATION_COLUMNS, f"CSV header is {rows[0]}")
    check(len(rows) - 1 == ctx.export_size, f"CSV has {len(rows) - 1} data rows, not {ctx.export_size}")
    col = {name: i for i, name in enumerate(ANNOTATION_COLUMNS)}
    sample = random.Random(5).sample(rows[1:], min(500, len(rows) - 1))
    spans = 0
    for r in sample:
        if r[col["start"]] == "":
            check(r[col["text"]] == "" and r[col["target"]] != "", f"document-level row {r[0]} malformed")
            continue
        doc_text = texts[int(r[col["document_id"]])]
        start, end = int(r[col["start"]]), int(r[col["end"]])
        check(r[col["text"]] == doc_text[start:end], f"CSV row {r[0]}: text != document_text[start:end]")
        spans += 1
    check(spans > 0, "no span rows in the CSV sample")
    check(len({r[0] for r in rows[1:]}) == ctx.export_size, "annotation ids in the CSV are not unique")

    base_out = ctx.workdir / "baseline.csv"
    for i in range(ctx.warmup + ctx.repeat):
        base_out.unlink(missing_ok=True)
        gc.collect()
        t0 = time.perf_counter()
        with open(base_out, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, dialect="excel", lineterminator="\r\n")
            writer.writerow(ANNOTATION_COLUMNS)
            writer.writerows(prefetched)
        t1 = time.perf_counter()
        if i >= ctx.warmup:
            result.baseline.append(_ms(t0, t1))
    check(len(_read_csv(base_out)) - 1 == ctx.export_size, "baseline CSV row count differs")
    result.notes.append(f"{ctx.export_size:,} annotations over {len(texts)} seeds, {out.stat().st_size / 1e6:.1f} MB; "
                        "export includes its fsync and rename, the baseline writes without fsync")


# -- 5. the annotation table over N rows --------------------------------------------


def row_table(ctx: Context, result: RowResult) -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.core.project import Project
    from annotator.ui.annotation_table import AnnotationTableWindow

    fixture = fixtures.prepare("export", ctx.table_size, ctx.workdir, cache=ctx.cache)
    app = QApplication.instance()
    reading_order = ("FROM annotations a JOIN documents d ON d.id = a.document_id JOIN labels l ON l.id = a.label_id "
                     "{where} ORDER BY a.document_id{desc}, a.span_start{desc}, a.span_end{asc}, a.id{desc} LIMIT 200")
    with Project(fixture.path) as project:
        organization = project.codebook.by_name("Organization")
        check(organization is not None, "the codebook has no Organization label")
        conn = project.store.conn
        total = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        check(total == ctx.table_size, f"fixture holds {total} annotations, not {ctx.table_size}")
        last_id = conn.execute("SELECT a.id " + reading_order.format(where="", desc=" DESC", asc="")).fetchone()[0]
        organizations = conn.execute("SELECT count(*) FROM annotations WHERE label_id = ?",
                                     (organization.id,)).fetchone()[0]
    for i in range(ctx.warmup + ctx.repeat):
        # A fresh project each round, so no round reuses the counts and plans the last one worked out.
        project = Project(fixture.path)
        window = AnnotationTableWindow(project)
        try:
            _show(window)
            app.processEvents()
            window.view.viewport().repaint()
            model, fetched = window.model, window.model.page_fetches
            gc.collect()
            t0 = time.perf_counter()
            window.view.scrollToBottom()
            app.processEvents()
            window.view.viewport().repaint()
            last = model.row(total - 1)
            window.label_combo.setCurrentIndex(window.label_combo.findData(organization.id))
            app.processEvents()
            window.view.viewport().repaint()
            first = model.row(0)
            t1 = time.perf_counter()
            check(last is not None and last.id == last_id, f"the last row shows {last}, not annotation {last_id}")
            check(model.rowCount() == organizations, f"the label filter shows {model.rowCount()} rows, "
                                                     f"not {organizations}")
            check(first is not None and first.label_name == "Organization", f"the first filtered row is {first}")
            check(model.page_fetches - fetched <= 4, f"{model.page_fetches - fetched} pages read for two screens")
            if i >= ctx.warmup:
                result.samples.append(_ms(t0, t1))
        finally:
            window.detach()
            _dispose(window)
            project.close()
    columns = "a.id, d.title, l.name, a.span_start, a.span_end, a.text, a.target, a.annotator, a.created_at"
    baseline = sqlite3.connect(str(fixture.path))
    try:
        for i in range(ctx.warmup + ctx.repeat):
            gc.collect()
            t0 = time.perf_counter()
            tail = baseline.execute(f"SELECT {columns} " + reading_order.format(where="", desc=" DESC", asc="")).fetchall()
            head = baseline.execute(f"SELECT {columns} " + reading_order.format(
                where="WHERE a.label_id = ?", desc="", asc=" DESC"), (organization.id,)).fetchall()
            t1 = time.perf_counter()
            check(tail[0][0] == last_id and len(head) == min(200, organizations), "baseline rows differ")
            if i >= ctx.warmup:
                result.baseline.append(_ms(t0, t1))
    finally:
        baseline.close()
    result.notes.append(f"{total:,} annotations over the seeds; {organizations:,} Organization rows; "
                        "timed from scrollToBottom to the filtered first screen painted")


ROWS = [
    ("startup", row_startup,
     "same spawn-to-READY time for `python -m bench.probe_startup --bare` (QMainWindow + QPlainTextEdit)"),
    ("open", row_open,
     "a bare QPlainTextEdit of the reader's size: setPlainText(same text) + viewport().repaint()"),
    ("tag", row_tag,
     "one INSERT + COMMIT into a scratch table, sqlite3 WAL, synchronous=NORMAL like the app"),
    ("export", row_export,
     "csv.writer writing the same rows, pre-fetched as tuples, to a file"),
    ("table", row_table,
     "sqlite3 alone: the last 200 rows in reading order, then the first 200 of the label, with their joins"),
]
