"""A long article with thousands of overlapping spans: opened lazily, tagged incrementally, highlighted right."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.ui.common.colors import blend
from annotator.ui.common.models import ANNOTATION_ID_ROLE
from annotator.ui.reader.highlighter import LAZY_FROM, LONG_SPAN

WORDS = "Amazon Walmart cloud contract regulators said Monday 아마존 월마트 클라우드 계약 발표했다".split()
EMOJI = ["😀", "👩\u200d👩\u200d👧", "🇰🇷", "🚀"]


def long_text(rng: random.Random) -> str:
    """~100k code points of paragraphs; emoji (two Qt positions each) sprinkled before and among the spans."""
    paragraphs = ["😀 Opening 👩\u200d👩\u200d👧 lines 🇰🇷 before any span."]
    while sum(len(p) + 2 for p in paragraphs) < 100_000:
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 140))]
        for i in range(0, len(words), 9):
            words[i] = rng.choice(EMOJI) + words[i]
        paragraphs.append(" ".join(words) + ".")
    return "\n\n".join(paragraphs)


def add_spans(project: Project, doc_id: int, text: str, rng: random.Random, count: int) -> None:
    """Overlapping spans of one to six words, some across paragraphs, a few longer than LONG_SPAN."""
    labels = [label for label in project.codebook.codable_labels() if label.layer != "stance"]
    words = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    with project.store.write(undoable=False):
        for n in range(count):
            start = rng.choice(words)
            if n % 500 == 7:
                end = min(len(text), start + LONG_SPAN + rng.randint(100, 3000))
            elif n % 100 == 3:
                end = min(len(text), start + rng.randint(700, 2500))
            else:
                end = min(len(text), start + rng.randint(3, 60))
            project.annotations.add(doc_id, rng.choice(labels), start, end)


@pytest.fixture(scope="module")
def long_project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("long") / "long.annotator"
    with Project(path) as project:
        project.documents.add(title="A long report", text=long_text(rng))
        add_spans(project, 1, project.documents.text(1), rng, 3000)
        project.documents.add(title="A short note", text="Walmart said Monday.")
    return path


@pytest.fixture
def long_path(long_project_file: Path, tmp_path: Path) -> Path:
    """A fresh copy per test: tests tag, undo and delete in it."""
    path = tmp_path / long_project_file.name
    shutil.copyfile(long_project_file, path)
    return path


def utf16_positions(text: str) -> list[int]:
    """Qt position of every code-point offset, worked out independently of PositionMap."""
    positions, qt = [], 0
    for ch in text:
        positions.append(qt)
        qt += 2 if ord(ch) > 0xFFFF else 1
    positions.append(qt)
    return positions


def expected_colors(project: Project, doc_id: int) -> dict[int, list[str]]:
    """Qt position -> colours of the spans covering it, outermost first, from the stored spans."""
    text = project.documents.text(doc_id)
    qt = utf16_positions(text)
    colors = {label.id: label.color for label in project.codebook.labels()}
    covering: dict[int, list[str]] = {}
    for a in project.annotations.for_document(doc_id):  # reading order: start, longer first, id
        for offset in range(a.start, a.end):
            if text[offset] == "\n":
                continue  # a paragraph break carries no format
            for position in range(qt[offset], qt[offset + 1]):
                covering.setdefault(position, []).append(colors[a.label_id])
    return covering


def formats_by_position(block) -> dict[int, QTextCharFormat]:
    shown = {}
    for r in block.layout().formats():
        fmt = QTextCharFormat(r.format)  # a copy: the range list is a temporary
        for offset in range(r.start, r.start + r.length):
            shown[block.position() + offset] = fmt
    return shown


def assert_block_matches(reader, block, covering: dict[int, list[str]], base: str) -> None:
    shown = formats_by_position(block)
    for position in range(block.position(), block.position() + block.length() - 1):
        colors = covering.get(position)
        fmt = shown.get(position)
        if not colors:
            assert fmt is None, f"position {position} is highlighted but no span covers it"
            continue
        assert fmt is not None, f"position {position} is covered by {len(colors)} spans but not highlighted"
        assert fmt.background().color() == blend(colors, base), f"wrong tint at {position}"
        # Nested spans: the inner label's colour underlines the overlap.
        assert (fmt.underlineStyle() == QTextCharFormat.SingleUnderline) == (len(colors) > 1)
        if len(colors) > 1:
            assert fmt.underlineColor() == QColor(colors[-1]).darker(120)


def open_long(open_window, path: Path):
    window = open_window(path)
    window.open_document(1)
    return window


def test_a_long_document_is_highlighted_as_it_is_read_and_every_tint_is_right(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    reader = window.reader
    doc = reader.document()
    assert reader.positions.qt_length > LAZY_FROM
    assert window.annotation_panel.model.rowCount() == 3000
    highlighter = reader._highlighter
    # Opening formatted the paragraphs in view, not the thousands further down.
    assert 0 < highlighter.passes < 40 < doc.blockCount()
    covering = expected_colors(window.project, 1)
    base = reader.palette().color(reader.palette().ColorRole.Base).name()
    assert_block_matches(reader, doc.begin(), covering, base)
    far = doc.findBlockByNumber(doc.blockCount() - 1)
    while not any(p in covering for p in range(far.position(), far.position() + far.length())):
        far = far.previous()
    assert not far.layout().formats()

    # Scrolled there, the paragraph gets its highlights before it is painted.
    reader.setTextCursor(QTextCursor(far))
    reader.viewport().repaint()
    assert_block_matches(reader, far, covering, base)

    reader.finish_highlighting()
    block = doc.begin()
    while block.isValid():
        assert_block_matches(reader, block, covering, base)
        block = block.next()


def select_word(window, offset: int, length: int) -> int:
    reader = window.reader
    start, end = reader.positions.span_to_qt(offset, offset + length)
    cursor = reader.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.KeepAnchor)
    reader.setTextCursor(cursor)
    reader.setFocus()
    return start


def list_changes(model) -> list[str]:
    seen: list[str] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.rowsInserted.connect(lambda _parent, first, last: seen.append(f"insert {last - first + 1}"))
    model.rowsRemoved.connect(lambda _parent, first, last: seen.append(f"remove {last - first + 1}"))
    model.rowsMoved.connect(lambda *_: seen.append("move"))
    return seen


def test_tagging_in_a_long_document_repaints_one_paragraph_and_inserts_one_row(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    reader, model = window.reader, window.annotation_panel.model
    text = window.project.documents.text(1)
    offset = text.index("Walmart", len(text) // 2)
    qt_start = select_word(window, offset, len("Walmart"))
    qtbot.wait(10)
    passes, changes = reader._highlighter.passes, list_changes(model)

    qtbot.keyClick(reader, Qt.Key_O)
    qtbot.wait(10)  # and repainted

    organization = window.project.codebook.by_key("O")
    tagged = window.annotation_panel.current()
    assert (tagged.label_id, tagged.start, tagged.end) == (organization.id, offset, offset + len("Walmart"))
    assert reader._highlighter.passes - passes == 1  # the tagged word's paragraph, nothing else
    assert changes == ["insert 1"]
    assert model.rowCount() == 3001 and model.annotation(model.row_of(tagged.id)).id == tagged.id
    covering = expected_colors(window.project, 1)
    assert_block_matches(reader, reader.document().findBlock(qt_start), covering, reader._highlighter._base)

    # Undo takes the highlight and the row back, again without reloading the list.
    window.undo_stack.undo()
    assert changes == ["insert 1", "remove 1"]
    assert window.annotation_panel.current() is None and not window.annotation_panel.view.currentIndex().isValid()
    covering = expected_colors(window.project, 1)
    assert_block_matches(reader, reader.document().findBlock(qt_start), covering, reader._highlighter._base)


def test_hovering_a_long_document_lists_the_labels_under_the_pointer(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    project = window.project
    spans = project.annotations.for_document(1)
    # Where a span starts inside the one before it, both cover the point.
    nested = next(b.start for a, b in zip(spans, spans[1:]) if a.start < b.start < a.end)
    hits = window.reader.annotations_at(nested)
    expected = [a for a in spans if a.start <= nested < a.end]
    assert [a.id for a in hits] == [a.id for a in expected] and len(hits) > 1
    tip = window.reader._tooltip(hits)
    for a in expected:
        assert project.codebook.label(a.label_id).name in tip


def test_moving_a_span_past_its_neighbours_moves_its_row_and_keeps_it_selected(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    panel, model = window.annotation_panel, window.annotation_panel.model
    rows = [model.annotation(row) for row in range(40)]
    # One that starts after a neighbour which its new start will pass.
    moving = next(b for a, b in zip(rows, rows[1:]) if b.start - 12 < a.start < b.start)
    panel.select(moving.id)
    changes = list_changes(model)

    window.adjust_span(moving.id, moving.start - 12, moving.end)

    assert panel.current().id == moving.id and panel.current().start == moving.start - 12
    assert "reset" not in changes and "move" in changes
    order = [(a.start, -a.end, a.id) for a in (model.annotation(row) for row in range(60))]
    assert order == sorted(order)


def test_deleting_the_selected_annotation_selects_nothing_else(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    panel = window.annotation_panel
    victim = panel.model.annotation(5)
    panel.select(victim.id)
    changes = list_changes(panel.model)
    panel.delete_current()
    assert changes == ["remove 1"]
    assert panel.current() is None and not panel.view.currentIndex().isValid()
    assert panel.heading.text() == "Annotations (2999)"
    assert window.project.annotations.find(victim.id) is None


def test_list_rows_far_down_read_their_own_annotation(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    model, project = window.annotation_panel.model, window.project
    for row in (0, 1499, 2999):
        a = project.annotations.get(model.index(row).data(ANNOTATION_ID_ROLE))
        snippet = " ".join(a.text.split())
        assert model.index(row).data().startswith(f"{project.codebook.label(a.label_id).name}: {snippet[:60]}")


def test_a_short_document_is_highlighted_at_once(open_window, long_path, qtbot):
    window = open_window(long_path)
    window.open_document(2)
    project = window.project
    label = project.codebook.by_key("O")
    project.annotations.add(2, label, 0, 7)
    window.open_document(1)
    window.open_document(2)
    block = window.reader.document().begin()
    assert not window.reader._highlighter.pending
    assert formats_by_position(block)[3].background().color() == blend([label.color], window.reader._highlighter._base)


def test_a_dark_theme_retints_a_long_document_shown_and_still_to_be_shown(open_window, long_path, qtbot):
    window = open_long(open_window, long_path)
    reader = window.reader
    doc = reader.document()
    covering = expected_colors(window.project, 1)
    app = QApplication.instance()
    original = app.palette()
    dark = QPalette()
    for role, color in ((QPalette.Window, "#2B2B2B"), (QPalette.Base, "#1E1E1E"), (QPalette.Text, "#E8E8E8")):
        dark.setColor(role, QColor(color))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: reader.palette().color(QPalette.Base) == QColor("#1E1E1E"))
        assert_block_matches(reader, doc.begin(), covering, "#1e1e1e")
        far = doc.findBlockByNumber(doc.blockCount() - 1)
        reader.setTextCursor(QTextCursor(far))
        reader.viewport().repaint()
        assert_block_matches(reader, far, covering, "#1e1e1e")
    finally:
        app.setPalette(original)
