"""View › Annotation table: every annotation of the corpus, filtered, sorted, and one double-click from its span."""

from __future__ import annotations

import contextlib
import random
import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.core.project import Project
from annotator.core.store.database import Change
from annotator.ui.coding.annotation_table import (
    AnnotationTableModel,
    AnnotationTableWindow,
)

from .conftest import open_titled, select_phrase
from .driver import Driver

COLUMN = {name: i for i, name in enumerate(AnnotationTableModel.COLUMNS)}


def cells(table, column: str) -> list[str]:
    model = table.model
    return [model.index(row, COLUMN[column]).data() for row in range(model.rowCount())]


def tag(window, qtbot, phrase: str, key, occurrence: int = 1) -> None:
    select_phrase(window, phrase, occurrence)
    Driver(window).press(key)


def open_table(window, qtbot):
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)
    table = window.tool_window("annotation_table")
    assert table is not None and table.isVisible()
    qtbot.waitExposed(table)
    return table


def type_text(widget, text: str) -> None:
    """Type into a field as a keyboard would, any script (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for char in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, char))


def click_header(table, qtbot, column: str) -> None:
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(COLUMN[column]) + header.sectionSize(COLUMN[column]) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


def double_click(qtbot, view, index) -> None:
    """A real double-click arrives as a click, then a double-click event (QTest's alone lacks the first release)."""
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=centre)


def paint(view) -> None:
    """Let the view lay out what changed, then paint it now, asking the model for what is on screen."""
    QApplication.processEvents()
    view.viewport().repaint()


def choose(qtbot, combo, text: str) -> None:
    """Pick a combo box entry from the keyboard: focus it and type its first word (a space opens the list)."""
    combo.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 20)  # a fresh type-ahead search, not the last one's tail
    qtbot.keyClicks(combo, text.split()[0])
    assert combo.currentText().strip() == text


@pytest.fixture(autouse=True)
def quick_type_ahead():
    """Combo boxes join keys typed within this interval into one search; keep the tests' pauses short."""
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(60)
    yield
    QApplication.setKeyboardInputInterval(interval)


def test_ctrl_t_lists_every_tag_of_the_corpus_and_follows_new_ones(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    tag(window, qtbot, "Amazon", Qt.Key_O)
    tag(window, qtbot, "Walmart", Qt.Key_O, occurrence=2)
    ui.open("'월마트 VS 아마존'")
    tag(window, qtbot, "마이크로소프트", Qt.Key_O)

    table = open_table(window, qtbot)
    assert table.windowTitle() == "Annotations — seeded"
    # Reading order: documents as the document list shows them, spans in text order.
    assert cells(table, "Text") == ["Walmart", "Amazon", "마이크로소프트"]
    assert cells(table, "Label") == ["Organization"] * 3
    assert cells(table, "Document")[0].startswith("What If Walmart")
    assert cells(table, "Document")[2].startswith("'월마트 VS 아마존'")
    assert cells(table, "Annotator") == [window.project.annotations.annotator] * 3
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when) for when in cells(table, "Created"))
    assert table.count_label.text() == "3 annotations"

    # Tagging in the main window shows in the open table, and undo takes it out again.
    window.activateWindow()
    tag(window, qtbot, "아마존웹서비스", Qt.Key_R)
    qtbot.waitUntil(lambda: table.model.rowCount() == 4)
    assert "아마존웹서비스" in cells(table, "Text") and table.count_label.text() == "4 annotations"
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: table.model.rowCount() == 3)
    assert "아마존웹서비스" not in cells(table, "Text")

    # Ctrl+T again raises the same window rather than opening a second one.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert open_table(window, qtbot) is table


def test_filter_by_layer_label_and_text_then_clear(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    tag(window, qtbot, "Amazon", Qt.Key_O)
    tag(window, qtbot, "Walmart instructed partners and suppliers", Qt.Key_C)
    ui.open("'월마트 VS 아마존'")
    tag(window, qtbot, "마이크로소프트", Qt.Key_O)
    tag(window, qtbot, "월마트", Qt.Key_O, occurrence=2)
    table = open_table(window, qtbot)
    assert table.model.rowCount() == 4

    choose(qtbot, table.layer_combo, "Claim")
    assert cells(table, "Text") == ["Walmart instructed partners and suppliers"]
    assert table.count_label.text() == "1 of 4 annotations"
    # The label list narrows to the chosen layer.
    labels = [table.label_combo.itemText(i).strip() for i in range(table.label_combo.count())]
    assert labels[0] == "All labels" and "Organization" not in labels and "Claim" in labels

    choose(qtbot, table.layer_combo, "All layers")
    choose(qtbot, table.label_combo, "Organization")
    assert cells(table, "Text") == ["Amazon", "월마트", "마이크로소프트"]
    # A tag outside the filter changes the total, not the rows.
    window.activateWindow()
    tag(window, qtbot, "아마존", Qt.Key_P)
    qtbot.waitUntil(lambda: table.count_label.text() == "3 of 5 annotations")
    assert cells(table, "Text") == ["Amazon", "월마트", "마이크로소프트"]

    # Typing filters once the analyst pauses; case does not matter, any script works.
    choose(qtbot, table.label_combo, "All labels")
    qtbot.keyClicks(table.text_edit, "WALMART")
    qtbot.waitUntil(lambda: table.model.rowCount() == 1)
    assert cells(table, "Text") == ["Walmart instructed partners and suppliers"]
    table.text_edit.clear()
    type_text(table.text_edit, "월마")
    qtbot.waitUntil(lambda: cells(table, "Text") == ["월마트"])

    choose(qtbot, table.layer_combo, "Entity")
    qtbot.mouseClick(table.findChild(QPushButton, "clearFilters"), Qt.LeftButton)
    assert table.model.rowCount() == 5 and table.count_label.text() == "5 annotations"
    assert (table.layer_combo.currentText(), table.text_edit.text()) == ("All layers", "")


def test_clicking_a_header_sorts_by_label_and_again_reverses(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    for phrase, key in (("Walmart", Qt.Key_O), ("AWS", Qt.Key_R), ("Amazon", Qt.Key_O), ("Fri, 4th August 2017", Qt.Key_D)):
        tag(window, qtbot, phrase, key)
    table = open_table(window, qtbot)
    assert cells(table, "Text") == ["Walmart", "Fri, 4th August 2017", "Amazon", "AWS"]

    click_header(table, qtbot, "Label")
    assert cells(table, "Label") == ["Date", "Organization", "Organization", "Product or service"]
    assert cells(table, "Text")[1:3] == ["Walmart", "Amazon"]  # within a label, reading order
    click_header(table, qtbot, "Label")
    assert cells(table, "Label") == ["Product or service", "Organization", "Organization", "Date"]
    assert cells(table, "Text")[1:3] == ["Amazon", "Walmart"]  # the exact reverse
    click_header(table, qtbot, "Text")
    assert cells(table, "Text") == ["Amazon", "AWS", "Fri, 4th August 2017", "Walmart"]
    # Attributes have no order: the click changes nothing and the arrow stays on Text.
    click_header(table, qtbot, "Attributes")
    assert cells(table, "Text") == ["Amazon", "AWS", "Fri, 4th August 2017", "Walmart"]
    assert table.view.horizontalHeader().sortIndicatorSection() == COLUMN["Text"]


def test_double_click_or_enter_opens_the_document_at_that_span(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    first = ui.open("What If Walmart")
    tag(window, qtbot, "reports came out", Qt.Key_C)
    korean = ui.open("'월마트 VS 아마존'")
    tag(window, qtbot, "마이크로소프트", Qt.Key_O)
    ui.open("Megadeal")
    table = open_table(window, qtbot)
    claim = window.project.annotations.for_document(first)[0]

    index = table.model.index(0, COLUMN["Text"])
    assert index.data() == "reports came out"
    double_click(qtbot, table.view, index)
    assert window.current_doc_id == first
    assert window.annotation_panel.current().id == claim.id
    cursor = window.reader.textCursor()
    assert cursor.position() == window.reader.positions.to_qt(claim.start)
    flashed = window.reader.extraSelections()  # the flash marks the whole span
    marked = (flashed[0].cursor.selectionStart(), flashed[0].cursor.selectionEnd())
    assert marked == window.reader.positions.span_to_qt(claim.start, claim.end)

    # Enter on the current row does the same, here for a Korean span.
    table.activateWindow()
    table.view.setFocus()
    table.view.setCurrentIndex(table.model.index(1, 0))
    qtbot.keyClick(table.view, Qt.Key_Return)
    org = window.project.annotations.for_document(korean)[0]
    assert window.current_doc_id == korean and window.annotation_panel.current().id == org.id
    assert window.reader.textCursor().position() == window.reader.positions.to_qt(org.start)


def test_an_unknown_entity_is_refused_with_a_message_and_the_table_stays(open_window, seeded_path, qtbot, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.coding.annotation_table.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    window = open_window(seeded_path)
    open_titled(window, "What If Walmart")
    tag(window, qtbot, "Amazon", Qt.Key_O)
    table = open_table(window, qtbot)
    qtbot.keyClicks(table.entity_edit, "Nobody Inc")
    qtbot.keyClick(table.entity_edit, Qt.Key_Return)
    assert warnings and "No entity in the registry is called 'Nobody Inc'" in warnings[0]
    assert table.model.rowCount() == 1 and table.count_label.text() == "1 annotation"


# -- 200,000 annotations --------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+")


def build_big_project(path: Path, size: int) -> dict[str, int]:
    """Seed-like documents and `size` random word spans, inserted in one transaction like a bulk import."""
    rng = random.Random(2024)
    vocabulary = ["Amazon", "Walmart", "cloud", "월마트", "아마존", "said", "the", "market", "Seattle", "shares",
                  "rose", "fell", "AWS", "Azure", "클라우드", "deal", "analysts", "retail", "growth", "Café"]
    with Project(path) as project:
        docs = []
        for n in range(40):
            text = " ".join(rng.choice(vocabulary) + ("." if rng.random() < 0.1 else "") for _ in range(3000))
            docs.append((project.documents.add(title=f"Article {n:02d}", text=text), text))
        label_ids = {label.name: label.id for label in project.codebook.labels() if not label.is_group}
    spans = {doc_id: [m.span() for m in WORD.finditer(text)] for doc_id, text in docs}
    texts = dict(docs)
    names = sorted(label_ids)

    def rows():
        for n in range(size):
            doc_id = docs[n % len(docs)][0]
            words = spans[doc_id]
            first = rng.randrange(len(words) - 3)
            start, end = words[first][0], words[first + rng.randrange(3)][1]
            stamp = f"2024-05-{1 + n % 28:02d}T09:{n % 60:02d}:00+00:00"
            yield (doc_id, label_ids[names[n % len(names)]], start, end, texts[doc_id][start:end], stamp, stamp)

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 'bulk', ?, ?)", rows())
        conn.execute("COMMIT")
    finally:
        conn.close()
    return label_ids


def test_two_hundred_thousand_rows_jump_to_the_end_and_filter_by_label(tmp_path, qtbot):
    path = tmp_path / "big.annotator"
    label_ids = build_big_project(path, 200_000)
    project = Project(path)
    table = AnnotationTableWindow(project)
    try:
        conn = project.store.conn
        last_text = conn.execute("SELECT text FROM annotations ORDER BY document_id DESC, span_start DESC, "
                                 "span_end ASC, id DESC LIMIT 1").fetchone()[0]
        table.show()
        qtbot.waitExposed(table)
        model = table.model
        assert model.rowCount() == 200_000 and table.count_label.text() == "200,000 annotations"
        paint(table.view)
        assert model.page_fetches == 1  # the first screenful is one page
        assert model.index(0, COLUMN["Document"]).data() == "Article 00"

        with offsets_read(conn) as offsets:
            table.view.scrollToBottom()
            paint(table.view)
        assert table.view.rowAt(table.view.viewport().height() - 2) == 199_999  # the view really is at the end
        assert model.index(199_999, COLUMN["Text"]).data() == last_text
        assert model.page_fetches - 1 <= 2  # the last page, and at most the one before it
        assert offsets and max(offsets) < 400  # read from the far end, not by stepping over 199,800 rows

        organizations = conn.execute("SELECT count(*) FROM annotations WHERE label_id = ?",
                                     (label_ids["Organization"],)).fetchone()[0]
        choose(qtbot, table.label_combo, "Organization")
        assert model.rowCount() == organizations
        assert table.count_label.text() == f"{organizations:,} of 200,000 annotations"
        paint(table.view)
        before = model.page_fetches
        with offsets_read(conn) as offsets:
            table.view.scrollToBottom()
            paint(table.view)
        assert {model.index(row, COLUMN["Label"]).data() for row in range(organizations - 30, organizations)} == {
            "Organization"}
        assert model.page_fetches - before <= 2 and max(offsets) < 400

        # A whole layer (several labels) reaches its end the same way.
        choose(qtbot, table.label_combo, "All labels")
        choose(qtbot, table.layer_combo, "Claim")
        claims = conn.execute("SELECT count(*) FROM annotations a JOIN labels l ON l.id = a.label_id "
                              "WHERE l.layer = 'claim'").fetchone()[0]
        assert model.rowCount() == claims
        paint(table.view)
        with offsets_read(conn) as offsets:
            table.view.scrollToBottom()
            paint(table.view)
        assert {model.row(row).layer for row in range(claims - 30, claims)} == {"claim"}
        assert max(offsets) < 400
    finally:
        table.close()
        table.detach()
        table.deleteLater()
        project.close()


@contextlib.contextmanager
def offsets_read(conn: sqlite3.Connection):
    """The OFFSETs of the page queries run inside the block: how many rows each stepped over."""
    offsets: list[int] = []
    conn.set_trace_callback(lambda sql: offsets.extend(int(n) for n in re.findall(r"OFFSET (\d+)", sql)))
    try:
        yield offsets
    finally:
        conn.set_trace_callback(None)


def _coded_seeds(path: Path) -> dict[str, int]:
    """The seeds with a few claims and organisations, an entity linked to one, and a fact-check attribute."""
    with Project(path) as project:
        doc_id = project.documents.ids()[0]
        text = project.documents.text(doc_id)
        claim, organization = project.codebook.by_name("Claim"), project.codebook.by_name("Organization")

        def add(label, phrase, nth=0):
            start = -1
            for _ in range(nth + 1):
                start = text.index(phrase, start + 1)
            return project.annotations.add(doc_id, label, start, start + len(phrase)).id

        made = {"reports": add(claim, "reports came out"), "row": add(claim, "an emerging row"),
                "walmart": add(organization, "Walmart", 1), "amazon": add(organization, "Amazon")}
        with project.store.write(undoable=False) as db:
            made["entity"] = db.execute("INSERT INTO entities(name, folded, label_id, created_at) "
                                        "VALUES ('Amazon.com, Inc.', 'amazon.com, inc.', ?, '2024-01-01')",
                                        (organization.id,)).lastrowid
            db.execute("INSERT INTO entity_aliases(entity_id, alias, folded) VALUES (?, 'AMZN', 'amzn')",
                       (made["entity"],))
            db.execute("UPDATE annotations SET entity_id = ? WHERE id = ?", (made["entity"], made["amazon"]))
            attribute = db.execute("INSERT INTO label_attributes(label_id, name, kind, choices) "
                                   "VALUES (?, 'fact check', 'choice', '[\"false\", \"accurate\"]')",
                                   (claim.id,)).lastrowid
            db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, 'false')",
                       (made["row"], attribute))
    return made


def test_filter_by_attribute_value_and_by_entity_alias(open_window, seeded_path, qtbot, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.coding.annotation_table.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    made = _coded_seeds(seeded_path)
    window = open_window(seeded_path)
    table = open_table(window, qtbot)
    assert table.model.rowCount() == 4

    qtbot.keyClicks(table.value_edit, "false")
    qtbot.keyClick(table.value_edit, Qt.Key_Return)
    assert warnings == ["Which attribute should be 'false'? Choose the attribute's name first."]
    assert table.model.rowCount() == 4
    qtbot.keyClicks(table.attribute_combo.lineEdit(), "Fact check")
    qtbot.keyClick(table.value_edit, Qt.Key_Return)
    assert cells(table, "Text") == ["an emerging row"] and cells(table, "Attributes") == ["fact check: false"]
    table.value_edit.clear()
    qtbot.keyClick(table.value_edit, Qt.Key_Return)  # the attribute alone: any value
    assert cells(table, "Text") == ["an emerging row"]

    qtbot.mouseClick(table.findChild(QPushButton, "clearFilters"), Qt.LeftButton)
    qtbot.keyClicks(table.entity_edit, "amzn")  # an alias finds its entity
    qtbot.keyClick(table.entity_edit, Qt.Key_Return)
    assert cells(table, "Text") == ["Amazon"] and cells(table, "Target/Source") == ["Amazon.com, Inc."]
    assert table.model.index(0, 0).data() and len(warnings) == 1

    # The entity is deleted elsewhere: the table says so and shows everything again.
    project = window.project
    with project.store.write() as db:
        db.execute("UPDATE annotations SET entity_id = NULL WHERE id = ?", (made["amazon"],))
        db.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (made["entity"],))
        db.execute("DELETE FROM entities WHERE id = ?", (made["entity"],))
        project.store.notify(Change("annotation_changed", project.documents.ids()[0], made["amazon"]))
    qtbot.waitUntil(lambda: table.model.rowCount() == 4)
    assert f"There is no entity {made['entity']} in the registry" in warnings[-1]
    assert table.entity_edit.text() == "" and table.count_label.text() == "4 annotations"


def test_a_closed_table_catches_up_when_opened_again_and_leaves_with_its_project(open_window, seeded_path,
                                                                                 tmp_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    table = open_table(window, qtbot)
    assert table.model.rowCount() == 0 and table.count_label.text() == "0 annotations"
    table.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tag(window, qtbot, "Amazon", Qt.Key_O)
    assert table.model.rowCount() == 0  # hidden: it did not re-read the file
    assert open_table(window, qtbot) is table
    qtbot.waitUntil(lambda: table.model.rowCount() == 1)
    assert cells(table, "Text") == ["Amazon"]

    other = tmp_path / "other.annotator"
    with Project(other) as project:
        project.documents.add(title="Other", text="Nothing tagged here.")
    window.open_project(other)
    assert window.tool_window("annotation_table") is None and not table.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    fresh = open_table(window, qtbot)
    assert fresh is not table and fresh.windowTitle() == "Annotations — other" and fresh.model.rowCount() == 0
