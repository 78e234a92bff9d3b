"""Duplicate flags in the GUI: marked in the document list, shown and dismissed in the Whole document panel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from annotator.core.corpus.importing import import_paths
from annotator.core.project import Project
from annotator.ui.coding.annotation_panel import reveal
from tests.support import shown_text
from tests.ui.driver import Driver

SEED_002 = "Walmart Vs Amazon"


def list_marks(window) -> dict[str, bool]:
    """Title -> whether the document list shows a flag icon beside it, as the user sees the list."""
    model = window.doc_view.model()
    marks = {}
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        icon = index.data(Qt.DecorationRole)
        marks[index.data()] = isinstance(icon, QIcon) and not icon.isNull()
    return marks


def click(qtbot, button) -> None:
    reveal(button)  # the user opens the Document tab first
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


@pytest.fixture
def with_copy(seeded_path: Path, tmp_path: Path) -> Path:
    """The seeds plus another outlet's copy of seed 000 under its own headline."""
    entry = next(e for e in resources.files("annotator.seeds").iterdir() if e.name.startswith("000"))
    text = entry.read_text("utf-8").replace("What If Walmart Were A Webhost", "Walmart Tells Suppliers To Quit AWS")
    copy = tmp_path / "copy.txt"
    copy.write_text(text.replace("curtly", "sharply"), encoding="utf-8")
    with Project(seeded_path) as project:
        assert import_paths(project, [copy]).ok
    return seeded_path


def test_the_list_marks_seed_002_and_says_why(open_window, seeded_path) -> None:
    window = open_window(seeded_path)
    marks = list_marks(window)
    assert [title for title, marked in marks.items() if marked] == [
        "Walmart Vs Amazon And Why Cloud Expertise Makes Or Breaks E-Commerce"]
    model = window.doc_view.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith(SEED_002))
    tooltip = shown_text(model.index(row, 0).data(Qt.ToolTipRole))
    assert tooltip.splitlines()[1].startswith("⟳ Repeated passage: 1,327 words from ‘Shutterstock Much has")


def test_show_selects_the_repeated_passage_in_the_reader(open_window, seeded_path, qtbot) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(SEED_002)
    panel = window.document_panel.duplicates
    assert [panel.list.item(i).text()[:20] for i in range(panel.list.count())] == ["⟳ Repeated passage: "]
    click(qtbot, panel.show_button)
    [flag] = window.project.duplicates.flags(doc_id)
    assert ui.selection() == (flag.repeat_start, flag.repeat_end)
    text = window.project.documents.text(doc_id)
    assert text[slice(*ui.selection())] == text[flag.span_start:flag.span_end]
    assert ui.reader_has_focus()
    # The caret, and so the view, is where the repeat begins: the analyst sees it start.
    reader = window.reader
    assert reader.positions.from_qt(reader.textCursor().position()) == flag.repeat_start
    assert reader.viewport().rect().contains(reader.cursorRect().center())
    assert "first appears at characters 78–7,818" in ui.status()


def test_a_document_without_flags_shows_no_duplicates_section(open_window, seeded_path) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    assert not window.document_panel.duplicates.isVisible()


def test_dismiss_hides_the_flag_and_ctrl_z_brings_it_back(open_window, seeded_path, qtbot) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(SEED_002)
    panel = window.document_panel.duplicates
    click(qtbot, panel.dismiss_button)
    assert panel.list.count() == 0
    assert not any(list_marks(window).values())
    assert panel.show_dismissed.text() == "Show dismissed (1)"
    ui.focus_reader()
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert panel.list.count() == 1 and not panel.show_dismissed.isVisible()
    assert [title[:17] for title, marked in list_marks(window).items() if marked] == [SEED_002]


def test_a_dismissed_flag_can_be_restored_later(open_window, seeded_path, qtbot) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(SEED_002)
    panel = window.document_panel.duplicates
    click(qtbot, panel.dismiss_button)
    click(qtbot, panel.show_dismissed)
    assert panel.list.item(0).text().endswith("(dismissed)")
    assert panel.dismiss_button.text() == "Restore"
    click(qtbot, panel.dismiss_button)
    assert panel.dismiss_button.text() == "Dismiss" and not panel.list.item(0).text().endswith("(dismissed)")
    assert list_marks(window)["Walmart Vs Amazon And Why Cloud Expertise Makes Or Breaks E-Commerce"]


def test_show_on_a_near_duplicate_opens_the_other_document(open_window, with_copy, qtbot) -> None:
    window = open_window(with_copy)
    ui = Driver(window)
    marks = list_marks(window)
    assert marks["What If Walmart Were A Webhost"] and marks["Walmart Tells Suppliers To Quit AWS"]
    ui.open("Walmart Tells Suppliers")
    panel = window.document_panel.duplicates
    assert panel.list.item(0).text().startswith("⚠ Near-duplicate of ‘What If Walmart Were A Webhost’ (")
    click(qtbot, panel.show_button)
    assert window.project.documents.get(window.current_doc_id).title == "What If Walmart Were A Webhost"
    assert window.doc_view.currentIndex().data() == "What If Walmart Were A Webhost"
    assert panel.list.item(0).text().startswith("⚠ Near-duplicate of ‘Walmart Tells Suppliers To Quit AWS’ (")
