"""Rows measured in this process's Qt: open (2), open dense (2b, 2c), tag (3) and the annotation table (8).

Each runs one untimed warm-up round (unless --quick), then the timed rounds, and
checks what the analyst would see: the whole text, spans highlighted where the
view shows them, the tag committed, the right rows in the table.
"""

from __future__ import annotations

import gc
import random
import re
import sqlite3
import time

from .common import (
    CheckFailed,
    Context,
    check,
    discard,
    dispose,
    fields_of,
    formats_at,
    line_with,
    paint_counter,
    run_child,
    show,
)
from .reference_highlighter import IntervalHighlighter, qt_spans
from .report import RowResult

BIG = 1  # document 1: the archive's 1 MB article with its own 10,000 annotations


# -- 2. open document 1, first paint ------------------------------------------------------


def _scroll_to(reader, qt_position: int) -> None:
    from PySide6.QtWidgets import QApplication

    cursor = reader.textCursor()
    cursor.setPosition(qt_position)
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    QApplication.processEvents()
    reader.viewport().repaint()


def row_open(ctx: Context, results: list[RowResult]) -> None:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from annotator.core.project import Project
    from annotator.ui.main_window import MainWindow

    [result] = results
    app = QApplication.instance()
    project = Project(ctx.shared_archive())
    text, other = project.documents.text(BIG), 2
    spans = [a for a in project.annotations.for_document(BIG) if not a.is_document_level]
    check(len(spans) == ctx.spec.big_annotations, f"document 1 holds {len(spans)} spans, not {ctx.spec.big_annotations}")
    colors = {label.id: label.color for label in project.codebook.labels()}
    window = MainWindow(project)
    try:
        show(window)
        reader = window.reader
        _time_opens(ctx, app, window, other, result.samples)
        check(window.current_doc_id == BIG, "document 1 is not the open document")
        check(reader.document().characterCount() - 1 == reader.positions.qt_length,
              "the reader does not hold the whole text")
        listed = window.annotation_panel.model
        check(listed.rowCount() == len(spans) or (listed.rowCount() > 0 and listed.canFetchMore(QModelIndex())),
              f"the annotation list shows {listed.rowCount()} rows of {len(spans)}")
        for a in random.Random(7).sample(spans, min(12, len(spans))):  # highlighted once scrolled into view
            qt_start = reader.positions.to_qt(a.start)
            _scroll_to(reader, qt_start)
            check(formats_at(reader.document(), qt_start) > 0, f"annotation {a.id} is not highlighted")
        size = reader.viewport().size()
        other_text = project.documents.text(other)
    finally:
        dispose(window)
        project.close()

    plain = [(a.start, a.end, colors[a.label_id]) for a in spans]
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.resize(size)
    highlighter = IntervalHighlighter(edit.document())
    try:
        show(edit)
        base_painted = paint_counter(edit.viewport())
        for i in ctx.timed_rounds():
            highlighter.set_spans([])
            edit.setPlainText(other_text)
            app.processEvents()
            gc.collect()
            before = base_painted.count
            with ctx.clock() as c:
                highlighter.set_spans(qt_spans(text, plain))
                edit.setPlainText(text)
                edit.viewport().repaint()
            check(base_painted.count > before, "the reference viewport was not painted by repaint()")
            app.processEvents()
            if i >= ctx.warmup:
                result.reference.append(c.ms)
        for start, _end, _color in random.Random(7).sample(qt_spans(text, plain), min(12, len(plain))):
            _scroll_to(edit, start)
            check(formats_at(edit.document(), start) > 0, f"the reference did not highlight the span at {start}")
    finally:
        dispose(edit)
    result.checked = True
    result.notes.append(f"document 1: {len(text):,} code points, {len(spans):,} span annotations; document 2 "
                        "shown before each run; the reference's time includes sorting the spans")


# -- 2b, 2c. open a document carrying a million annotations ------------------------------------


def row_dense(ctx: Context, results: list[RowResult]) -> None:
    """Issue 12, item 15: the window used to read every span (6.4 s, +420 MB) before painting the first screen."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from annotator.core.project import Project
    from annotator.ui.main_window import MainWindow

    timing, memory = results
    app = QApplication.instance()
    path = ctx.dense_archive()
    project = Project(path)
    total = ctx.dense_spec.big_annotations
    text, other = project.documents.text(BIG), 2
    first = project.store.conn.execute(
        "SELECT span_start FROM annotations WHERE document_id = ? ORDER BY span_start LIMIT 1", (BIG,)).fetchone()[0]
    window = MainWindow(project)
    try:
        show(window)
        reader = window.reader
        _time_opens(ctx, app, window, other, timing.samples)
        check(reader.document().characterCount() - 1 == reader.positions.qt_length,
              "the reader does not hold the whole text")
        check(formats_at(reader.document(), reader.positions.to_qt(first)) > 0, "the first span is not highlighted")
        listed = window.annotation_panel.model
        check(listed.rowCount() == total, f"the annotation list counts {listed.rowCount()} rows of {total}")
        fetched = getattr(reader._highlighter, "fetched", None)  # None: a build that read every span
        _scroll_to(reader, reader.positions.qt_length)  # the end, read when scrolled to
        last = project.store.conn.execute(
            "SELECT span_start FROM annotations WHERE document_id = ? ORDER BY span_start DESC LIMIT 1",
            (BIG,)).fetchone()[0]
        _scroll_to(reader, reader.positions.to_qt(last))
        check(formats_at(reader.document(), reader.positions.to_qt(last)) > 0, "the last span is not highlighted")
        size = reader.viewport().size()
    finally:
        dispose(window)
        project.close()

    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.resize(size)
    other_text = "A short note."
    try:
        show(edit)
        base_painted = paint_counter(edit.viewport())
        for i in ctx.timed_rounds():
            edit.setPlainText(other_text)
            app.processEvents()
            gc.collect()
            before = base_painted.count
            with ctx.clock() as c:
                edit.setPlainText(text)
                edit.viewport().repaint()
            check(base_painted.count > before, "the reference viewport was not painted by repaint()")
            app.processEvents()
            if i >= ctx.warmup:
                timing.reference.append(c.ms)
    finally:
        dispose(edit)
    timing.checked = True
    timing.notes.append(f"{len(text):,} code points, {total:,} span annotations; "
                        f"{'all' if fetched is None else f'{fetched:,}'} spans read by the highlighter "
                        f"over all {len(ctx.timed_rounds())} opens; document 2 shown before each run; the first "
                        "and the last span checked highlighted (the last once scrolled to)")

    home = ctx.home / "dense"
    home.mkdir(parents=True, exist_ok=True)
    for i in ctx.timed_rounds():
        counted = i >= ctx.warmup
        child = run_child("bench.probe_memory", [str(path), "1"], home,
                          profile=ctx.profile_file("dense") if counted else None)
        seen = fields_of(line_with(child.lines, "MEMORY"), "MEMORY")
        check("rss_mb" in seen and seen.get("current") == "1", f"the app child failed: {child.lines}")
        check(int(seen.get("reader_chars", "0")) >= len(text) and int(seen.get("painted", "0")) > 0,
              "the app child did not show and paint document 1")
        bare = run_child("bench.probe_memory", ["--bare"], home)
        base = fields_of(line_with(bare.lines, "MEMORY"), "MEMORY")
        check("rss_mb" in base and int(base.get("painted", "0")) > 0, f"the bare child failed: {bare.lines}")
        if counted:
            memory.samples.append(float(seen["rss_mb"]))
            memory.reference.append(float(base["rss_mb"]))
    memory.checked = True
    memory.notes.append(f"VmRSS one second after the dense document was painted; peak (VmHWM) in the last run "
                        f"{float(seen['peak_mb']):,.0f} MB, bare {float(base['peak_mb']):,.0f} MB")


# -- 3. tag: key press to committed row and repainted highlight -------------------------------


def _pick_words(text: str, count: int, taken: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Whole words (4+ letters) that tagging will not re-snap and that carry no such tag yet."""
    from annotator.core.coding.words import snap_to_words

    words = [m.span() for m in re.finditer(r"[^\W_]{4,}", text)]
    rng = random.Random(11)
    picked: list[tuple[int, int]] = []
    for span in rng.sample(words, min(len(words), 50 * count)):
        if span not in taken and snap_to_words(text, *span) == span:
            picked.append(span)
            taken.add(span)
            if len(picked) == count:
                return picked
    raise CheckFailed(f"only {len(picked)} taggable words, need {count}")


def row_tag(ctx: Context, results: list[RowResult]) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.core.project import Project
    from annotator.ui.main_window import MainWindow

    [result] = results
    app = QApplication.instance()
    path = ctx.own_archive("tag")  # the row adds annotations; the shared copy stays as built
    project = Project(path)
    text = project.documents.text(BIG)
    organization = project.codebook.by_key("O")
    check(organization is not None and organization.layer != "stance", "the codebook has no non-stance label on O")
    taken = {(a.start, a.end) for a in project.annotations.for_document(BIG) if a.label_id == organization.id}
    window = MainWindow(project)
    observer = sqlite3.connect(str(path), isolation_level=None)  # a second connection sees commits only
    try:
        show(window)
        window.open_document(BIG)
        reader = window.reader
        reader.setFocus()
        app.processEvents()
        painted = paint_counter(reader.viewport())
        first_id = last_id = observer.execute("SELECT max(id) FROM annotations").fetchone()[0]
        for i, (start, end) in enumerate(_pick_words(text, len(ctx.timed_rounds()), taken)):
            qt_start, qt_end = reader.positions.span_to_qt(start, end)
            cursor = reader.textCursor()
            cursor.setPosition(qt_start)
            cursor.setPosition(qt_end, QTextCursor.KeepAnchor)
            reader.setTextCursor(cursor)
            # The analyst selects the next words and only then presses the key: by then the selection's
            # repaint and the previous tag's follow-up (its list row, form and status line, which come
            # one frame after its highlight) are done, and neither is part of this tag's figure.
            QTest.qWait(30)
            gc.collect()
            before = painted.count
            rows: list = []
            with ctx.clock(profile=i >= ctx.warmup) as c:
                QTest.keyClick(reader, Qt.Key_O)
                deadline = c.start + 10.0
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
            check(len(rows) == 1, f"one key press stored {len(rows)} rows")
            row_id, row_doc, row_label, row_start, row_end, row_text = rows[0]
            check((row_doc, row_label) == (BIG, organization.id), f"row {row_id} has the wrong document or label")
            check((row_start, row_end) == (start, end), f"tagged {start}-{end} but stored {row_start}-{row_end}")
            check(row_text == text[start:end], f"row {row_id} text {row_text!r} != document slice")
            check(formats_at(reader.document(), qt_start) > 0, f"tag {row_id} is stored but not highlighted")
            last_id = row_id
            if i >= ctx.warmup:
                result.samples.append(c.ms)
        added = observer.execute("SELECT count(*) FROM annotations WHERE id > ?", (first_id,)).fetchone()[0]
        check(added == len(ctx.timed_rounds()), f"{added} tags stored, expected {len(ctx.timed_rounds())}")
    finally:
        observer.close()
        dispose(window)
        project.close()
        discard(path)

    scratch = sqlite3.connect(str(ctx.workdir / "scratch.sqlite"), isolation_level=None)
    try:
        scratch.execute("PRAGMA journal_mode = WAL")
        scratch.execute("PRAGMA synchronous = NORMAL")  # what the app's Store uses
        scratch.execute("CREATE TABLE scratch(id INTEGER PRIMARY KEY, document_id INTEGER, "
                        "span_start INTEGER, span_end INTEGER, text TEXT, created_at TEXT)")
        for i in ctx.timed_rounds():
            gc.collect()
            with ctx.clock() as c:
                scratch.execute("BEGIN")
                scratch.execute("INSERT INTO scratch(document_id, span_start, span_end, text, created_at) "
                                "VALUES (?, ?, ?, ?, ?)", (BIG, i, i + 4, "word", "2024-05-01T09:30:00+00:00"))
                scratch.execute("COMMIT")
            if i >= ctx.warmup:
                result.reference.append(c.ms)
        check(scratch.execute("SELECT count(*) FROM scratch").fetchone()[0] == len(ctx.timed_rounds()),
              "reference rows missing")
    finally:
        scratch.close()
    result.checked = True
    result.notes.append(f"key O on {len(ctx.timed_rounds())} different words of document 1 among its "
                        f"{ctx.spec.big_annotations:,} annotations; timed to the row visible from a second "
                        "connection and the reader viewport repainted")


# -- 8. the annotation table over every annotation ------------------------------------------

_READING_ORDER = ("FROM annotations a JOIN documents d ON d.id = a.document_id JOIN labels l ON l.id = a.label_id "
                  "{where} ORDER BY a.document_id{desc}, a.span_start{desc}, a.span_end{asc}, a.id{desc} LIMIT 200")
_COLUMNS = "a.id, d.title, l.name, a.span_start, a.span_end, a.text, a.target, a.annotator, a.created_at"


def row_table(ctx: Context, results: list[RowResult]) -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.core.project import Project
    from annotator.ui.coding.annotation_table import AnnotationTableWindow

    jump, filtered = results
    app = QApplication.instance()
    path = ctx.shared_archive()
    with Project(path) as project:
        organization = project.codebook.by_name("Organization")
        check(organization is not None, "the codebook has no Organization label")
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        total = raw.execute("SELECT count(*) FROM annotations").fetchone()[0]
        check(total == ctx.spec.annotations, f"the archive holds {total} annotations, not {ctx.spec.annotations}")
        last_id = raw.execute("SELECT a.id " + _READING_ORDER.format(where="", desc=" DESC", asc="")).fetchone()[0]
        organizations = raw.execute("SELECT count(*) FROM annotations WHERE label_id = ?",
                                    (organization.id,)).fetchone()[0]
        check(organizations > 0, "no Organization annotations to filter by")
    finally:
        raw.close()
    for i in ctx.timed_rounds():
        # A fresh project each round, so no round reuses the counts and plans the last one worked out.
        project = Project(path)
        window = AnnotationTableWindow(project)
        try:
            show(window)
            app.processEvents()
            window.view.viewport().repaint()
            model, fetched = window.model, window.model.page_fetches
            gc.collect()
            with ctx.clock(profile=i >= ctx.warmup) as to_last:
                window.view.scrollToBottom()
                app.processEvents()
                window.view.viewport().repaint()
                last = model.row(total - 1)
            check(last is not None and last.id == last_id, f"the last row shows {last}, not annotation {last_id}")
            gc.collect()
            with ctx.clock(profile=i >= ctx.warmup) as to_label:
                window.label_combo.setCurrentIndex(window.label_combo.findData(organization.id))
                app.processEvents()
                window.view.viewport().repaint()
                first = model.row(0)
            check(model.rowCount() == organizations,
                  f"the label filter shows {model.rowCount()} rows, not {organizations}")
            check(first is not None and first.label_name == "Organization", f"the first filtered row is {first}")
            check(model.page_fetches - fetched <= 4, f"{model.page_fetches - fetched} pages read for two screens")
            if i >= ctx.warmup:
                jump.samples.append(to_last.ms)
                filtered.samples.append(to_label.ms)
        finally:
            window.detach()
            dispose(window)
            project.close()
    baseline = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for i in ctx.timed_rounds():
            gc.collect()
            with ctx.clock() as to_last:
                tail = baseline.execute(f"SELECT {_COLUMNS} " + _READING_ORDER.format(
                    where="", desc=" DESC", asc="")).fetchall()
            with ctx.clock() as to_label:
                count = baseline.execute("SELECT count(*) FROM annotations WHERE label_id = ?",
                                         (organization.id,)).fetchone()[0]
                # "+" keeps SQLite off the label index, which would sort all the label's rows;
                # walking reading order and skipping other labels finds 200 in ~2,000 rows.
                head = baseline.execute(f"SELECT {_COLUMNS} " + _READING_ORDER.format(
                    where="WHERE +a.label_id = ?", desc="", asc=" DESC"), (organization.id,)).fetchall()
            check(tail[0][0] == last_id and count == organizations and len(head) == min(200, organizations),
                  "the reference queries returned other rows")
            if i >= ctx.warmup:
                jump.reference.append(to_last.ms)
                filtered.reference.append(to_label.ms)
    finally:
        baseline.close()
    jump.checked = filtered.checked = True
    jump.notes.append(f"{total:,} annotations; a new project and table window each round; timed from "
                      "scrollToBottom to the last screen painted and its last row read")
    filtered.notes.append(f"{organizations:,} Organization rows; timed from choosing the label to the first "
                          "screen painted (the reference counts them too: the window shows the count)")


def _time_opens(ctx, app, window, other: int, samples: list) -> None:
    """Time opening document BIG to its first paint, each round replacing document `other`."""
    reader = window.reader
    painted = paint_counter(reader.viewport())
    for i in ctx.timed_rounds():
        window.open_document(other)  # the measured open always replaces another document
        app.processEvents()
        gc.collect()
        before = painted.count
        with ctx.clock(profile=i >= ctx.warmup) as c:
            window.open_document(BIG)
            reader.viewport().repaint()
        check(painted.count > before, "the reader viewport was not painted by repaint()")
        app.processEvents()
        if i >= ctx.warmup:
            samples.append(c.ms)
