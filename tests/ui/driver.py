"""Drive the main window as an analyst does, and read what the analyst sees.

Tests say what a user does (open a document, select text, press a label key) and what
they see (the selection, the highlights, the status line) through this one class, not
through the window's attributes: when the window's insides change, only this file follows.
Offsets are code points, as everywhere outside the Qt boundary.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTableView

from annotator.ui.main_window import MainWindow


class Driver:
    def __init__(self, window: MainWindow):
        self.window = window

    # -- the widgets a user looks at: the only place tests name the window's parts -------------
    # (Looked up each time: opening another project builds them anew.)

    @property
    def _reader(self) -> QPlainTextEdit:
        return self.window.reader

    @property
    def _documents(self) -> QTableView:
        return self.window.doc_view

    # -- doing -----------------------------------------------------------------------------

    def open(self, title_start: str) -> int:
        """Click the document whose title starts so in the document list; its id."""
        model = self._documents.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data().startswith(title_start):
                self._documents.selectRow(row)
                return model.document_id(row)
        raise AssertionError(f"no document titled {title_start!r}")

    def select(self, start: int, end: int) -> None:
        """Select [start, end) in the reader, in code points, as a drag would."""
        self._reader.select_span(start, end)
        self._reader.setFocus()

    def select_phrase(self, phrase: str, occurrence: int = 1) -> None:
        """Select a phrase in the reader the way a user's drag would: through the widget's cursor."""
        reader = self._reader
        cursor = reader.textCursor()
        cursor.setPosition(0)
        for _ in range(occurrence):
            cursor = reader.document().find(phrase, cursor, QTextDocument.FindCaseSensitively)
            assert not cursor.isNull(), f"{phrase!r} not in the document"
        reader.setTextCursor(cursor)
        reader.setFocus()

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.NoModifier) -> None:
        """A key pressed while reading: a label key tags, Delete deletes, Ctrl+Z undoes, ...

        Then the analyst looks: a tag's list row, form, status line and entity offer follow its
        highlight one repaint later (MainWindow.after_tag), so the event loop runs until they have."""
        QTest.keyClick(self._reader, key, modifiers)
        self.settle()

    def settle(self, timeout: float = 5.0) -> None:
        """Let the event loop run until the window's follow-up of the last edit has run."""
        if not self.window.after_tag.pending:
            return  # nothing follows (a popup asks first, say): the loop is left alone, as a user leaves it
        deadline = time.monotonic() + timeout
        while self.window.after_tag.pending:
            assert time.monotonic() < deadline, "the follow-up of the last tag never ran"
            QApplication.processEvents()
        QApplication.processEvents()  # and what it changed is painted

    # -- seeing ----------------------------------------------------------------------------

    def text(self) -> str:
        """The document as the reader shows it."""
        return self._reader.toPlainText()

    def selection(self) -> tuple[int, int] | None:
        """The selected span in code points, or None."""
        return self._reader.selection()

    def selected_text(self) -> str:
        """The selection as Qt reports it (paragraph breaks as U+2029)."""
        return self._reader.textCursor().selectedText()

    def reader_has_focus(self) -> bool:
        """Whether keys typed now go to the reader."""
        return self._reader.hasFocus()

    def focus_reader(self) -> None:
        """Click into the reader without moving the selection."""
        self._reader.setFocus()

    def labels_at(self, offset: int) -> list[str]:
        """The labels of the highlights covering a code point, outermost first."""
        book = self.window.project.codebook
        return [book.label(a.label_id).name for a in self._reader.annotations_at(offset)]

    def status(self) -> str:
        """The status bar's message."""
        return self.window.statusBar().currentMessage()

    def document_titles(self) -> list[str]:
        """The titles in the document list, top to bottom."""
        model = self._documents.model()
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    def document_count(self) -> int:
        """How many rows the document list shows."""
        return self._documents.model().rowCount()

    # -- coders and the codesheet (issue 14) ---------------------------------------------------

    def coder_caption(self) -> str:
        """What the status bar's coder button reads: who is coding, and in a team whose codes are shown."""
        return self.window.coders_control.button.text()

    def coder_choices(self) -> list[str] | None:
        """View › Coders as the menu lists it (None when the menu is not there: a project of one coder)."""
        control = self.window.coders_control
        if not control.menu_action.isVisible():
            return None
        return [action.text() for action in control.actions()]

    def choose_coders(self, starts: str) -> None:
        """Pick the View › Coders entry whose text starts so."""
        control = self.window.coders_control
        action = next(a for a in control.actions() if a.text().replace("&", "").startswith(starts))
        action.trigger()

    def annotation_rows(self) -> list[str]:
        """The right panel's annotation list, top to bottom."""
        model = self.window.annotation_panel.model
        return [model.index(row).data() for row in range(model.rowCount())]

    def document_codes(self) -> list[str]:
        """The Whole document panel's stances, as listed."""
        stances = self.window.document_panel.stances
        return [stances.item(row).text() for row in range(stances.count())]

    def underline_at(self, offset: int):
        """The underline style painted under a code point (QTextCharFormat.UnderlineStyle; NoUnderline when none)."""
        from PySide6.QtGui import QTextCharFormat

        reader = self._reader
        reader.finish_highlighting()
        position = reader.positions.to_qt(offset)
        block = reader.document().findBlock(position)
        for fmt in block.layout().formats():
            if fmt.start <= position - block.position() < fmt.start + fmt.length:
                return fmt.format.underlineStyle()
        return QTextCharFormat.NoUnderline

    def show_side_tab(self, title: str) -> None:
        """Bring a tab of the right panel to the front, as clicking it does (a tab is built when first shown)."""
        tabs = self.window.side_tabs
        tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == title))

    def side_tab_titles(self) -> list[str]:
        """The right panel's tabs that are shown."""
        tabs = self.window.side_tabs
        return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]

    @property
    def codesheet(self):
        """The Codesheet tab's panel (its fields and state line are what the coder reads and types into)."""
        return self.window.codesheet_panel

    def document_row(self, document_id: int) -> tuple:
        """A document's row in the list as shown: (title, annotation count, status)."""
        model = self._documents.model()
        row = model.row_of(document_id)
        assert row >= 0, f"document {document_id} is not in the list"
        return tuple(model.index(row, column).data() for column in range(model.columnCount()))

    # -- a shared project (issue 15) -------------------------------------------------------------

    def pick_annotation(self, annotation_id: int) -> None:
        """Click an annotation's entry in the right panel's list."""
        self.window.annotation_panel.select(annotation_id)

    def type_note(self, text: str) -> None:
        """Click into the selected annotation's note field and type (ASCII), without leaving it."""
        note = self.window.annotation_panel.note_edit
        note.setFocus()
        QTest.keyClicks(note, text)

    def leave_note(self) -> None:
        """Leave the note field (Tab onwards / a click elsewhere): that saves it."""
        self.focus_reader()
        QApplication.sendEvent(self.window.annotation_panel.note_edit, QFocusEvent(QEvent.FocusOut))

    def note(self) -> str:
        return self.window.annotation_panel.note_edit.toPlainText()

    def scroll(self) -> int:
        """How far down the reader is scrolled."""
        return self._reader.verticalScrollBar().value()

    def scroll_to(self, value: int) -> None:
        self._reader.verticalScrollBar().setValue(value)

    def shared_state(self) -> str:
        """The status bar's shared-project label: where it is, or that the server is unreachable."""
        label = self.window.live_updates
        return label.text() if label.isVisible() else ""

    def selected_annotation_caption(self) -> str:
        """The right panel's line on the selected annotation: its text and span."""
        return self.window.annotation_panel.label_text.text()
