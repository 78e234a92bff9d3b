"""A document with 200,000 annotations: its first screen is painted from the spans there, not from all of them.

Issue 12, item 15: a document with a million annotations blocked the window for
seconds before its first paint, reading every span into Python objects. These tests
count what opening it reads before the first paint (independent of the total), check
the highlights shown, the end of the text once scrolled to, and the list read a page
at a time. Speed itself is measured in bench/ (row 2b), never asserted here.
"""

from __future__ import annotations

import random
import shutil
import tracemalloc
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from tests.ui.test_long_document import assert_block_matches, utf16_positions

TOTAL = 200_000
WORDS = "Amazon Walmart cloud contract regulators said Monday 아마존 월마트 클라우드 계약 발표했다".split()


def dense_text(rng: random.Random) -> str:
    """~300k code points of paragraphs, an emoji (two Qt positions) now and then."""
    paragraphs = []
    while sum(len(p) + 2 for p in paragraphs) < 300_000:
        words = [rng.choice(WORDS) for _ in range(rng.randint(30, 120))]
        words[0] = "🚀" + words[0]
        paragraphs.append(" ".join(words) + ".")
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def dense_project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(12)
    path = tmp_path_factory.mktemp("dense") / "dense.annotator"
    with Project(path) as project:
        text = dense_text(rng)
        project.documents.add(title="Every word tagged, many times", text=text)
        project.documents.add(title="A short note", text="Walmart said Monday.")
        labels = [label.id for label in project.codebook.codable_labels() if label.layer != "stance"]
        starts = [i for i in range(len(text)) if (i == 0 or text[i - 1] == " ") and text[i] != " "]
        rows = []
        for n in range(TOTAL):
            start = rng.choice(starts)
            end = min(len(text), start + (rng.randint(3, 40) if n % 10 else rng.randint(40, 600)))
            rows.append((1, rng.choice(labels), start, end, text[start:end], "", "test", "2024-01-01", "2024-01-01"))
        # Bulk rows straight into the table: adding 200,000 one by one would take the test minutes.
        with project.store.write(undoable=False) as conn:
            conn.executemany("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, "
                             "annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return path


@pytest.fixture
def dense_path(dense_project_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / dense_project_file.name
    shutil.copyfile(dense_project_file, path)
    return path


class FirstPaint(QObject):
    """Notes what the reader and the list had read when the reader's first paint arrived."""

    def __init__(self, window):
        super().__init__()
        self.window, self.seen = window, None

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Paint and self.seen is None:
            model = self.window.annotation_panel.model
            self.seen = (self.window.reader._highlighter.fetched, model.kept_rows(), model.page_fetches)
        return False


def covering_from_store(project: Project, qt: list[int], begin: int, end: int) -> dict[int, list[str]]:
    """Qt position -> colours of the stored spans covering it, outermost first, for code points begin..end."""
    text = project.documents.text(1)
    colors = {label.id: label.color for label in project.codebook.labels()}
    rows = project.store.conn.execute(
        "SELECT label_id, span_start, span_end FROM annotations WHERE document_id = 1 AND span_start < ? "
        "AND span_end > ? ORDER BY span_start, span_end DESC, id", (end, begin)).fetchall()
    covering: dict[int, list[str]] = {}
    for label_id, start, stop in rows:
        for offset in range(max(start, begin), min(stop, end)):
            if text[offset] != "\n":
                for position in range(qt[offset], qt[offset + 1]):
                    covering.setdefault(position, []).append(colors[label_id])
    return covering


def assert_blocks_shown_right(window, first, last) -> None:
    reader, project = window.reader, window.project
    qt = utf16_positions(project.documents.text(1))
    begin, end = reader.positions.from_qt(first.position()), reader.positions.from_qt(
        last.position() + last.length() - 1)
    covering = covering_from_store(project, qt, begin, end)
    block = first
    while block.isValid() and block.blockNumber() <= last.blockNumber():
        assert_block_matches(reader, block, covering, reader._highlighter._base)
        block = block.next()


def shown_blocks(reader):
    first = reader.firstVisibleBlock()
    block, bottom = first, reader.viewport().height()
    while block.next().isValid() and reader.blockBoundingGeometry(block.next()).translated(
            reader.contentOffset()).top() < bottom:
        block = block.next()
    return first, block


def test_opening_reads_the_spans_on_screen_not_all_of_them(open_window, dense_path, qtbot):
    window = open_window(dense_path)
    window.open_document(2)
    reader = window.reader
    watcher = FirstPaint(window)
    reader.viewport().installEventFilter(watcher)
    fetched_before = reader._highlighter.fetched
    tracemalloc.start()
    try:
        window.open_document(1)
        reader.viewport().repaint()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Reading every span into Python took about 400 bytes each (80 MB here) before the first paint.
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated to open the document"
    assert watcher.seen is not None, "the reader was not painted"
    fetched, kept_rows, pages = watcher.seen
    # A screenful and its margin: about the spans over WINDOW_BEFORE + WINDOW_AFTER positions, whatever the total.
    assert 0 < fetched - fetched_before < TOTAL // 10
    assert kept_rows <= window.annotation_panel.model.PAGE_SIZE and pages <= 1
    assert window.annotation_panel.model.rowCount() == TOTAL
    assert window.annotation_panel.heading.text() == f"Annotations ({TOTAL})"
    assert_blocks_shown_right(window, *shown_blocks(reader))


def test_the_end_of_the_text_is_highlighted_once_scrolled_to(open_window, dense_path, qtbot):
    window = open_window(dense_path)
    window.open_document(1)
    reader = window.reader
    assert reader._highlighter.pending
    reader.moveCursor(QTextCursor.End)
    reader.ensureCursorVisible()
    QApplication.processEvents()
    reader.viewport().repaint()
    first, last = shown_blocks(reader)
    assert last.blockNumber() == reader.document().blockCount() - 1
    assert_blocks_shown_right(window, first, last)
    # The pointer there names the spans under it, read from the store as it is.
    text = window.project.documents.text(1)
    offset = len(text) - 200
    expected = window.project.store.conn.execute(
        "SELECT id FROM annotations WHERE document_id = 1 AND span_start <= ? AND span_end > ? "
        "ORDER BY span_start, span_end DESC, id", (offset, offset)).fetchall()
    assert [a.id for a in reader.annotations_at(offset)] == [row[0] for row in expected] and expected
    # Scrolling back to the top: what was shown at first is still right.
    reader.moveCursor(QTextCursor.Start)
    QApplication.processEvents()
    reader.viewport().repaint()
    assert_blocks_shown_right(window, *shown_blocks(reader))


def test_the_list_reads_the_rows_it_shows(open_window, dense_path, qtbot):
    window = open_window(dense_path)
    window.open_document(1)
    panel = window.annotation_panel
    model, view = panel.model, panel.view
    last = window.project.store.conn.execute(
        "SELECT id FROM annotations WHERE document_id = 1 ORDER BY span_start DESC, span_end, id DESC LIMIT 1"
    ).fetchone()[0]
    view.scrollToBottom()
    QApplication.processEvents()
    view.viewport().repaint()
    assert model.rowCount() == TOTAL
    assert model.annotation(TOTAL - 1).id == last
    assert model.kept_rows() <= model.KEPT_PAGES * model.PAGE_SIZE
    # Clicking a highlight at the end selects its row there, without reading the rows before it.
    fetches = model.page_fetches
    panel.select(last)
    assert view.currentIndex().row() == TOTAL - 1 and panel.current().id == last
    assert model.page_fetches - fetches <= 2
    # Deleting it takes one row away, the list still counted, not read.
    panel.delete_current()
    assert model.rowCount() == TOTAL - 1 and panel.heading.text() == f"Annotations ({TOTAL - 1})"
    assert model.kept_rows() <= model.KEPT_PAGES * model.PAGE_SIZE


def test_tab_from_the_end_wraps_to_the_first_annotation(open_window, dense_path, qtbot):
    window = open_window(dense_path)
    window.open_document(1)
    reader, conn = window.reader, window.project.store.conn
    first = conn.execute("SELECT id FROM annotations WHERE document_id = 1 "
                         "ORDER BY span_start, span_end DESC, id LIMIT 1").fetchone()[0]
    last = conn.execute("SELECT id FROM annotations WHERE document_id = 1 "
                        "ORDER BY span_start DESC, span_end, id DESC LIMIT 1").fetchone()[0]
    stepped = []
    reader.annotationStepped.connect(stepped.append)
    window._annotation_stepped(last)
    reader._step_annotation(1)
    assert stepped[-1] == first
    reader._step_annotation(-1)
    assert stepped[-1] == last
