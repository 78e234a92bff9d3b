"""Text from data shows as text everywhere (issue 12, items 1-3).

Titles come from web pages and other people's files. Qt takes any text that looks like HTML for
HTML in labels and tooltips: a title of nested tables froze the window when hovered, an
<img src=file://…> title built a 20,000-pixel tooltip from a local file, and <b> in a label name
turned bold in seven places. Here every data field holds such markup, every window, panel and
dialog that shows data is opened, and every text they hold is read the way Qt would show it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QToolTip,
    QWidget,
)

from annotator.core.project import Project
from annotator.ui.common import plain_text
from tests.support import shown_text
from tests.ui.driver import Driver

BOLD = "<b>bold</b>"
TABLES = "<table><tr><td>" * 22


def image_tag(png: Path) -> str:
    return f"<img src=file://{png} width=20000 height=20000>"


@pytest.fixture
def hostile_path(tmp_path: Path) -> Path:
    """A project whose every field an analyst sees holds markup: <b>, a local image, nested tables."""
    png = tmp_path / "dot.png"
    image = QImage(4, 4, QImage.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(png))
    img = image_tag(png)

    def hostile(what: str) -> str:
        return f"{what} {BOLD} {img}"

    path = tmp_path / "hostile.annotator"
    with Project(path) as project:
        book = project.codebook
        stance = book.in_layer("stance")[0]
        entity_label = book.in_layer("entity")[0]
        book.rename(stance.id, hostile("Stance"))
        book.set_description(stance.id, hostile("Stance description"))
        book.set_memo(stance.id, hostile("Label memo"))
        book.rename(entity_label.id, hostile("Person"))
        attribute = book.add_attribute(stance.id, hostile("Attribute"), "text", description=hostile("Attr help"))
        text = f"Intro. ACME {BOLD} said so. Later ACME {BOLD} said it again.\n"
        nest = project.documents.add(title=f"Nest {TABLES}{BOLD}", text=text, source=f"/tmp/{BOLD}{img}.html")
        project.documents.add(title=hostile("Picture"), text="Another " + text, source=hostile("/tmp/file"))
        start = text.index(f"ACME {BOLD}")
        end = start + len(f"ACME {BOLD}")
        person = project.annotations.add(nest, book.label(entity_label.id), start, end, note=hostile("Note"))
        entity = project.entities.create(hostile("Entity"), entity_label.id)
        project.annotations.link_entity(person.id, entity.id)
        stance_tag = project.annotations.add(nest, book.label(stance.id), 0, 6, target=hostile("Target"),
                                             holder=hostile("Holder"), note=hostile("Stance note"))
        project.values.set(stance_tag.id, attribute.id, hostile("Value"))
        project.metadata.set(nest, f"field {BOLD}", hostile("Metadata"))
        project.documents.set_memo(nest, hostile("Document memo"))
    return path


def _rendered(text: str, fmt: Qt.TextFormat) -> str:
    """What the analyst reads for a text shown in a widget of this text format."""
    if fmt == Qt.PlainText:
        return text
    if fmt == Qt.RichText:
        return shown_text(f"<qt>{text}</qt>")
    return shown_text(text)


def _model_texts(view: QAbstractItemView, where: str):
    model = view.model()
    if model is None:
        return

    def columns(parent: QModelIndex) -> int:
        try:
            return model.columnCount(parent)
        except TypeError:  # a list model: one column, and PySide hides its columnCount
            return 1

    def walk(parent: QModelIndex, depth: int):
        for row in range(min(model.rowCount(parent), 200)):
            for column in range(columns(parent)):
                index = model.index(row, column, parent)
                display = index.data(Qt.DisplayRole)
                if isinstance(display, str):
                    yield f"{where} row {row} text", display, Qt.PlainText  # item views draw text as text
                tip = index.data(Qt.ToolTipRole)
                if isinstance(tip, str):
                    yield f"{where} row {row} tooltip", tip, Qt.AutoText
                if column == 0 and depth < 3:
                    yield from walk(index, depth + 1)

    yield from walk(QModelIndex(), 0)


def shown_texts(roots: list[QWidget]):
    """(where, text, format) for every text a widget under these roots shows: labels, buttons,
    actions, tooltips and item-view cells."""
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            where = f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parentWidget()).__name__}"
            if widget.toolTip():
                yield f"{where} tooltip", widget.toolTip(), Qt.AutoText
            if isinstance(widget, QLabel):
                yield f"{where} text", widget.text(), widget.textFormat()
            if isinstance(widget, QAbstractButton):
                yield f"{where} text", widget.text(), Qt.PlainText  # buttons never render markup
            if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
                yield from _model_texts(widget, where)
            for action in widget.actions():
                if action.toolTip():
                    yield f"{where} action {action.text()!r} tooltip", action.toolTip(), Qt.AutoText


def test_every_text_from_data_shows_as_text(open_window, hostile_path: Path, qtbot) -> None:
    window = open_window(hostile_path)
    project = window.project
    nest = next(d.id for d in project.documents.summaries() if d.title.startswith("Nest"))
    window.open_document(nest)
    Driver(window).show_side_tab("Document")  # its metadata table (the tab is built when first shown)
    search = window.search_panel  # the hits' article text, and the titles they are in
    search.query.setText("ACME")
    search.run_search()
    qtbot.waitUntil(lambda: search.model.rowCount() >= 2, timeout=30_000)
    stance_tag = next(a for a in project.annotations.for_document(nest) if a.target)
    window.annotation_panel.select(stance_tag.id)  # the attribute form and the details show
    window.open_codebook()
    editor = window.tool_window("codebook_editor")
    stance_label = project.codebook.label(stance_tag.label_id)
    editor.tree.setCurrentItem(editor._items[stance_label.id])  # its attributes and their help show
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    entity = project.entities.all()[0]
    window.entities_panel.select(entity.id)
    window.entities_panel.tag_other_mentions()
    from annotator.ui.coding.annotation_table import open_annotation_table
    from annotator.ui.search.memo_search import open_memo_search

    table = open_annotation_table(window)
    memos = open_memo_search(window)
    memos.query.setText("bold")
    memos.refresh()
    window.tag(stance_label, 7, 11)  # a stance asks for its target in a popup
    qtbot.waitUntil(lambda: window.target_popup.isVisible())

    places, wrong = set(), []
    roots = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for where, text, fmt in shown_texts(roots):
        if BOLD not in text and "&lt;b&gt;bold" not in text:
            continue
        places.add(where.split(" row ")[0])
        if BOLD not in _rendered(text, fmt):
            wrong.append(f"{where}: {text[:120]!r}")
    assert not wrong, "shown as markup:\n" + "\n".join(wrong)
    # The walk saw data in each kind of place the issue names, and in the other windows.
    seen = "\n".join(sorted(places))
    for expected in ("documentList", "labelBar", "memoResults", "metadataTable", "_FactLabel", "entityMentions",
                     "QLabel '' in QGroupBox text", "QLabel '' in TargetPopup", "annotationList",
                     "annotationTable", "codebookTree", "SearchPanel", "attributeTable", "QLabel '' in TagMentionsDialog"):
        assert expected.lower() in seen.lower(), f"no data text seen in {expected}:\n{seen}"
    assert table.isVisible() and memos.results.count() >= 3


def test_hovering_hostile_titles_shows_a_small_tooltip_of_the_title(open_window, hostile_path: Path, qtbot) -> None:
    """The nested-table title laid out for minutes and the image title built a 20008x20006 tooltip."""
    window = open_window(hostile_path)
    view = window.doc_view
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        title = index.data(Qt.DisplayRole)
        center = view.visualRect(index).center()
        event = QHelpEvent(QEvent.ToolTip, center, view.viewport().mapToGlobal(center))
        QApplication.sendEvent(view.viewport(), event)
        tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible())
        assert shown_text(QToolTip.text()) == title  # the title, word for word, nothing rendered
        assert tip.width() < 1000 and tip.height() < 400, f"{title[:20]!r}: tooltip is {tip.size()}"
        QToolTip.hideText()


def test_a_huge_title_gets_a_clipped_tooltip() -> None:
    tip = plain_text.plain_tip("x" * 100_000 + "\n" * 1000)
    assert len(shown_text(tip)) <= plain_text.TIP_CHARS + 1
    assert shown_text(plain_text.plain_tip("line\n" * 100)).count("\n") < plain_text.TIP_LINES
    assert shown_text(plain_text.plain_tip("AT&T <b>")) == "AT&T <b>"
    assert shown_text(plain_text.as_text("AT&T")) == "AT&T" == plain_text.as_text("AT&T")  # unchanged when plain

