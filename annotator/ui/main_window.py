"""The main window: wiring between the project, the views and the undo stack. No logic of its own.

It is the features' Workbench (annotator/ui/common/workbench.py): they reach it through
reveal, show_status and tool_window, and it attaches and detaches them as projects change.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import LAYER_NAMES, Annotation, Label
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.core.store.lock import ProjectLocked
from annotator.core.store.pg.locations import needs_password
from annotator.ui import preferences, tool_openers
from annotator.ui.actions.operations import Operations
from annotator.ui.actions.shortcuts import shortcuts_text
from annotator.ui.coding.annotation_panel import AnnotationPanel
from annotator.ui.coding.coder_control import CodersControl
from annotator.ui.coding.codesheet_panel import CodesheetPanel
from annotator.ui.coding.document_tab import DocumentTab
from annotator.ui.coding.label_bar import LabelBar
from annotator.ui.coding.target_popup import TargetPopup, words_on_screen
from annotator.ui.common import settings, window_state
from annotator.ui.common.after_paint import AfterPaint
from annotator.ui.common.coder_view import CoderView
from annotator.ui.common.colors import label_icon
from annotator.ui.common.plain_text import as_text, clip, escape, rich_tip
from annotator.ui.common.workbench import Feature, ToolWindows
from annotator.ui.corpus.document_filter import DocumentFilter
from annotator.ui.corpus.document_list import DocumentListModel
from annotator.ui.entities.panel import EntitiesPanel
from annotator.ui.reader.find_bar import FindBar
from annotator.ui.reader.reader import ReaderView
from annotator.ui.reader.reader_room import ReaderRoom
from annotator.ui.safety.backup_on_open import backup_on_open
from annotator.ui.safety.damage_check import check_on_open
from annotator.ui.safety.lock_dialog import open_despite_lock, show_mode
from annotator.ui.shared.live import LiveUpdates, location, window_title
from annotator.ui.shared.offline import keep_document, server_away

if TYPE_CHECKING:
    from annotator.ui.coding.document_panel import DocumentPanel
    from annotator.ui.corpus.document_info import DocumentInfoPanel


class MainWindow(QMainWindow):
    documentShown = Signal(object)  # the id of the document the reader now shows, or None

    def __init__(self, project: Project):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.after_tag = AfterPaint(self)  # the side panels follow a tag once its highlight is painted
        self.project: Project | None = None
        self.current_doc_id: int | None = None
        self._unsubscribe = None
        self.tool_windows = ToolWindows(self)
        self.features: list[Feature] = []  # attached when a project opens, detached before it closes
        self._build_menus()
        # One toolbar whose buttons wrap onto a second row rather than hide behind an arrow.
        self.label_toolbar = QToolBar("Labels", self)
        self.label_toolbar.setObjectName("labelToolbar")
        self.label_toolbar.setMovable(False)  # across the top: a side toolbar would stack every label
        self.label_bar = LabelBar(self.label_toolbar)
        self.label_toolbar.addWidget(self.label_bar)
        self.addToolBar(Qt.TopToolBarArea, self.label_toolbar)
        self.selection_label = QLabel("")
        self.statusBar().addPermanentWidget(self.selection_label)
        self.coders_control = CodersControl(self.view_menu, self.statusBar())  # who codes; whose codes show
        self.entities_panel = EntitiesPanel(self, self.statusBar())
        self.entities_panel.mentionActivated.connect(
            lambda doc_id, annotation_id: self.reveal(doc_id, annotation_id=annotation_id))
        self.features.append(self.entities_panel)
        self.addDockWidget(Qt.RightDockWidgetArea, self.entities_panel)
        self.live_updates = LiveUpdates(self.statusBar())  # a shared project: others' edits, the server's state
        self.features.append(self.live_updates)
        self.view_menu.addAction(self.entities_panel.toggleViewAction())
        self.splitter = None
        self.reader_room = ReaderRoom(self, self.entities_panel)
        self.set_project(project)
        window_state.restore(self, self.splitter, self.reader)

    # -- building --------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._add(file_menu, "&New project…", self.new_project, QKeySequence.New)
        self._add(file_menu, "&Open project…", self.open_project, QKeySequence.Open)
        self._add(file_menu, "Open &shared project…", self.open_shared_project)
        self.recent_menu = file_menu.addMenu("Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._add(file_menu, "&Import documents…", self.import_files, "Ctrl+I")
        self._add(file_menu, "Import &folder…", lambda: self.import_files(folder=True), "Ctrl+Shift+I")
        self._add(file_menu, "&Export…", self.export, "Ctrl+E")
        self._add(file_menu, "Export for a &coder…", lambda: tool_openers.hand_out(self))
        self._add(file_menu, "&Merge coder's project…", lambda: tool_openers.merge_coders(self))
        self._add(file_menu, "&Restore backup…", lambda: tool_openers.open_backups(self))
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.Quit if QKeySequence(QKeySequence.Quit).count() else "Ctrl+Q")
        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        # Spelled out: the platform's standard Redo is Ctrl+Y on some desktops and
        # Ctrl+Shift+Z on others; analysts moving between machines get both.
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._add(edit, "&Find in document…", self.open_find, QKeySequence.Find)
        self.delete_action = self._add(edit, "&Delete annotation", self.delete_annotation, QKeySequence.Delete)
        self._add(edit, "Edit document &title", self.edit_title, "F2")
        edit.addSeparator()
        self._add(edit, "Find in &project…", lambda: self.search_panel.open_search(), "Ctrl+Shift+F")
        self._add(edit, "Search &memos…", lambda: tool_openers.open_memo_search(self), "Ctrl+Shift+M")
        self._add(edit, "&Preferences…", lambda: tool_openers.open_preferences(self), "Ctrl+,")
        self._add(edit, "&Codebook…", self.open_codebook, "Ctrl+K")
        view = self.view_menu = bar.addMenu("&View")
        self._add(view, "Zoom &in", lambda: self.zoom(1), [QKeySequence.ZoomIn, QKeySequence("Ctrl+=")])
        self._add(view, "Zoom &out", lambda: self.zoom(-1), QKeySequence.ZoomOut)
        self._add(view, "&Reset zoom", lambda: self.zoom(0), "Ctrl+0")
        self._add(view, "&Annotation table", lambda: tool_openers.open_annotation_table(self), "Ctrl+T")
        go = bar.addMenu("&Go")
        self._add(go, "&Next document", lambda: self.step_document(1), "Alt+Down")
        self._add(go, "&Previous document", lambda: self.step_document(-1), "Alt+Up")
        self._add(go, "Mark &done, go to next to do", self.mark_done_and_next, ["Ctrl+Return", "Ctrl+Enter"])
        analyze = bar.addMenu("&Analyze")
        self._add(analyze, "&Charts…", lambda: tool_openers.open_charts(self), "Ctrl+Shift+H")
        self._add(analyze, "A&greement…", lambda: tool_openers.open_agreement(self))
        self._add(analyze, "A&djudicate…", lambda: tool_openers.open_adjudicate(self), "Ctrl+Shift+J")
        help_menu = bar.addMenu("&Help")
        self._add(help_menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.HelpContents)
        self._add(help_menu, "&About Annotator", self.show_about)

    def show_entity(self, entity_id: int) -> None:
        self.entities_panel.show()
        self.entities_panel.raise_()
        self.entities_panel.select(entity_id)

    def _add(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        return action

    def set_project(self, project: Project) -> None:
        """Show a project, replacing whatever was open (its edits are already saved)."""
        self._teardown()
        self.project = project
        self.ops = Operations(project, self.undo_stack)
        self.ops.on_replay = self._show_replayed
        self.ops.on_refused = lambda message: QMessageBox.warning(self, "Cannot undo", as_text(message))
        self._unsubscribe = project.subscribe(self._on_change)
        self.coder_view = CoderView(project, self)
        self.coder_view.changed.connect(self._coders_shown)
        self.doc_model = DocumentListModel(project, self)
        self.doc_model.titleEdited.connect(lambda doc_id, title: self.ops.set_title(doc_id, title))
        self.doc_view = QTableView(self)
        self.doc_view.setObjectName("documentList")
        # The list shows the documents the filter row lets through; rows are the proxy's.
        self.doc_filter = DocumentFilter(project, self.doc_model, self)
        self.doc_view.setModel(self.doc_filter.proxy)
        self.doc_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.doc_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.doc_view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.doc_view.verticalHeader().hide()
        self.doc_view.setWordWrap(False)
        header = self.doc_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        # Fixed widths: ResizeToContents would read every row on each change.
        metrics = self.doc_view.fontMetrics()
        header.setSectionResizeMode(1, QHeaderView.Fixed)
        header.setSectionResizeMode(2, QHeaderView.Fixed)
        header.resizeSection(1, metrics.horizontalAdvance("00000") + 12)
        header.resizeSection(2, metrics.horizontalAdvance("In progress") + 16)
        self.doc_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.open_document(self.doc_filter.proxy.document_id(current.row())) if current.isValid() else None
        )
        self.reader = ReaderView(self)
        self.reader.role_name = project.annotations.display_role
        self.reader.fetch_annotation = project.annotations.get
        self.reader.tagRequested.connect(self.tag)
        self.reader.annotationClicked.connect(lambda annotation_id: self.annotation_panel.select(annotation_id))
        self.reader.deleteRequested.connect(self.delete_annotation)
        self.reader.selectionInfo.connect(self._selection_info)
        self.reader.hint.connect(self.show_status)
        self.reader.spanAdjustRequested.connect(self.adjust_span)
        self.reader.annotationStepped.connect(self._annotation_stepped)
        self.find_bar = FindBar(self.reader, self)
        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.reader, 1)
        centre_layout.addWidget(self.find_bar)
        self.reader.coder_name = self.coder_view.owner
        self.annotation_panel = AnnotationPanel(project, self.ops, self, selection=self.reader.selection,
                                                coders=self.coder_view)
        self.codesheet_panel = CodesheetPanel(project, self.ops, self, coders=self.coder_view)
        for feature in self.features:
            feature.attach(self)
        self.annotation_panel.settle = self.after_tag.settle
        self.annotation_panel.model.defer = self.doc_model.defer = self.after_tag.defer
        self.annotation_panel.annotationActivated.connect(self.reader.show_annotation)
        self.annotation_panel.annotationActivated.connect(self.reader.set_selected_annotation)
        self.annotation_panel.annotationActivated.connect(self.entities_panel.annotation_selected)
        # Two tabs: the spans being coded, and the document as a whole (status, stance,
        # memo, duplicates, metadata). Stacked in one column they squeezed the list.
        document_tab = self.document_tab = DocumentTab(project, self.ops, self, self.coder_view)
        right = self.side_tabs = QTabWidget(self)
        right.setObjectName("sideTabs")
        right.addTab(self.annotation_panel, "Annotations")
        right.addTab(document_tab, "Document")
        # The codesheet: only when the codebook has document variables (a project without them looks as before).
        right.addTab(self.codesheet_panel, "Codesheet")
        self.codesheet_panel.shownChanged.connect(lambda shown: right.setTabVisible(2, shown))
        right.setTabVisible(2, self.codesheet_panel.has_variables())
        # Full-text search over every document, built the first time it is shown: start-up
        # loads nothing it does not show.
        self._search_panel = None
        self._search_page = QWidget(self)
        QVBoxLayout(self._search_page).setContentsMargins(0, 0, 0, 0)
        right.addTab(self._search_page, "Search")
        right.currentChanged.connect(self._side_tab_changed)
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        documents = QWidget(self)
        documents_layout = QVBoxLayout(documents)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        documents_layout.setSpacing(0)
        documents_layout.addWidget(self.doc_filter)
        documents_layout.addWidget(self.doc_view, 1)
        self.splitter.addWidget(documents)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([310, 760, 380])  # the Document tab fits 380 with its scroll bar
        self.setCentralWidget(self.splitter)
        self.reader_room.new_splitter()
        self._build_label_bar(project.codebook.codable_labels())
        self.setWindowTitle(window_title(project))
        settings.remember_project(location(project))
        backup_on_open(self, project)  # at most once an hour
        self.current_doc_id = None
        if self.doc_filter.proxy.rowCount():
            self.doc_view.selectRow(0)
        else:
            self.open_document(None)
        preferences.apply(self)  # annotator name, reader font, word snapping
        self.coders_control.set_view(self.coder_view)
        self._coders_shown()
        show_mode(self)  # read-only (open elsewhere, or a read-only file) or editable
        self.damage_check = check_on_open(self, project)  # if opening left it for later

    def _side_tab_changed(self, _index: int) -> None:
        if self.side_tabs.currentWidget() is self._search_page:
            self.search_panel  # noqa: B018 - builds the panel as its tab is first shown
        elif self.side_tabs.currentWidget() is self.document_tab:
            self.document_tab.build()

    @property
    def document_panel(self) -> DocumentPanel:
        return self.document_tab.panel

    @property
    def document_info(self) -> DocumentInfoPanel:
        return self.document_tab.info

    @property
    def search_panel(self):
        """The Search tab's panel, built on first use (the tab shown, or Find in project)."""
        if self._search_panel is None:
            from annotator.ui.search.panel import SearchPanel

            self._search_panel = SearchPanel(self.project, self)
            self._search_page.layout().addWidget(self._search_panel)
            self._search_panel.show()  # a child added to a page already on screen starts hidden
        return self._search_panel

    def _build_label_bar(self, labels: list[Label]) -> None:
        self.label_bar.clear()
        self.reader.set_labels(labels)
        actions = []
        layer = None
        for label in labels:
            if label.layer != layer:
                self.label_bar.add_caption(f"{LAYER_NAMES[label.layer]}:")
                layer = label.layer
            key = label.key or ""  # a label may have no key: the toolbar still tags with it
            action = QAction(label_icon(label.color, key), label.name, self)
            action.setObjectName(f"label_{key or label.id}")
            action.setToolTip(rich_tip(f"<b>{escape(clip(label.name, 100))}</b>{f' — key <b>{escape(key)}</b>' if key else ''}"
                                       f"<br/>{escape(clip(label.description, 400, 8))}"))
            # The key is handled by the reader (plain letters must still type in text fields).
            action.setShortcutVisibleInContextMenu(True)
            action.setText(f"{label.name}\t{key}" if key else label.name)
            action.setIconText(label.name)
            action.triggered.connect(lambda checked=False, lab=label: self._tag_from_action(lab))
            self.label_bar.add_label_action(action)
            actions.append((label, action))
        self.reader.label_actions = actions

    def close_project(self) -> None:
        """Let go of the project file (to restore a backup over it); set_project shows one again."""
        self._teardown()

    def _teardown(self) -> None:
        if self.project is None:
            return
        self.after_tag.cancel()
        if self._unsubscribe:
            self._unsubscribe()
        self.doc_model.detach()
        self.doc_filter.detach()
        self.annotation_panel.detach()
        for feature in self.features:
            feature.detach()
        self.document_tab.detach()
        self.codesheet_panel.detach()
        self.coder_view.detach()
        if self._search_panel is not None:
            self._search_panel.detach()
        self.tool_windows.close_all()  # each reads or edits this project only
        self.undo_stack.clear()
        self.project.close()
        self.project = None

    # -- documents -------------------------------------------------------------

    def open_document(self, doc_id: int | None) -> None:
        if doc_id == self.current_doc_id and doc_id is not None:
            return
        self.after_tag.settle()  # a tag's offer and form belong to the document it was made in
        try:  # read before anything changes: a shared project's server away leaves the window as it was
            labels, doc = self.project.codebook.labels(), doc_id and self.project.documents.get(doc_id)
        except server_away():
            return keep_document(self)
        self.current_doc_id = doc_id
        self.entities_panel.document_shown(doc_id)  # an offer names text of the document it was made in
        # A document may carry a million spans: the reader and the list read those they show.
        self.reader.set_document(doc.text if doc else "", labels, self._spans(doc_id) if doc else [])
        if doc is None:
            self.reader.setPlaceholderText("No documents yet: File › Import documents, or drop text files here.")
        self.annotation_panel.set_document(doc_id)
        self.document_tab.set_document(doc_id)
        self.codesheet_panel.set_document(doc_id)
        row = self.doc_filter.proxy.row_of(doc_id) if doc_id is not None else -1
        if row >= 0 and self.doc_view.currentIndex().row() != row:
            self.doc_view.selectRow(row)
        self.documentShown.emit(doc_id)

    def _spans(self, doc_id: int):
        """The document's spans the Coders control shows (every coder's in a project of one)."""
        return self.project.annotations.spans_of(doc_id, self.coder_view.coder_ids())

    def _coders_shown(self) -> None:
        """Another coder's codes (or every coder's, or gold) were chosen, or the coders changed: highlights follow."""
        self.reader.coder_styles = self.coder_view.styles()
        self.doc_model.set_coders(self.coder_view.coder_ids())  # blind coding: the Tags column counts only what is shown
        if self.current_doc_id is not None:
            self.reader.set_annotations(self._spans(self.current_doc_id))

    def _show_replayed(self, doc_id: int | None, message: str) -> None:
        """After undo or redo, show the document the edit was in, as editors show the undone line,
        and say what was undone: the status bar may still read "Tagged …" from the edit itself."""
        if doc_id is not None and doc_id != self.current_doc_id:
            self.open_document(doc_id)
        self.statusBar().showMessage(message, 5000)

    def step_document(self, step: int) -> None:
        rows = self.doc_filter.proxy.rowCount()
        if not rows:
            return
        current = self.doc_view.currentIndex().row()
        row = min(max(0, current + step), rows - 1) if current >= 0 else 0
        self.doc_view.selectRow(row)
        self.reader.setFocus()

    def mark_done_and_next(self) -> None:
        """Ctrl+Enter: this document is coded; open the next one still to do."""
        if self.current_doc_id is None:
            return
        self.document_tab.commit_memo()
        self.ops.set_status(self.current_doc_id, "done")
        following = self.project.documents.next_not_done(self.current_doc_id)
        if following is None:
            self.statusBar().showMessage("Marked done. Every document is done.", 8000)
            return
        self.open_document(following)
        self.reader.setFocus()
        self.statusBar().showMessage(f"Marked done. Next to do: {self.project.documents.get(following).title}", 5000)

    def edit_title(self) -> None:
        index = self.doc_view.currentIndex()
        if index.isValid():
            self.doc_view.edit(index.siblingAtColumn(DocumentListModel.TITLE))

    # -- tagging -----------------------------------------------------------------

    def tag(self, label: Label, start: int, end: int, exact: bool = False) -> None:
        if self.current_doc_id is None:
            return
        if self.coder_view.refusal():  # another coder's codes are shown: theirs, not to add to
            self.show_status(self.coder_view.refusal(), 8000)
            return
        doc_id = self.current_doc_id
        if label.layer == "stance":
            # The popup asks about the words selected; the tag snaps them when it is made (Operations.tag).
            text = self.project.documents.text(doc_id)[start:end]
            popup = TargetPopup(label.name, text, self.project.annotations.targets(), self,
                                match=self.project.entities.match)
            popup.stanceChosen.connect(lambda roles: self._commit_tag(doc_id, label, start, end, exact, roles))
            popup.finished.connect(popup.deleteLater)
            self.target_popup = popup
            popup.place_beside(words_on_screen(self.reader, *self.reader.positions.span_to_qt(start, end)))
            popup.open()
            return
        self._commit_tag(doc_id, label, start, end, exact)

    def _commit_tag(self, doc_id: int, label: Label, start: int, end: int, exact: bool,
                    roles: dict | None = None) -> None:
        self.after_tag.settle()  # the tag before this one is followed up first, in order
        # Only the reader changes in the frame that shows the tag; the lists' rows and counts and the
        # selection's status line are held for the next one (~1.5 ms of a 5 ms tag, issue 17).
        try:
            with self.after_tag.holding():
                # roles: a stance's target and holder, each an entity link or free text
                annotation = self.ops.tag(doc_id, label, start, end, exact=exact, **(roles or {}))
                if doc_id == self.current_doc_id:
                    self.reader.select_span(annotation.end, annotation.end)
                    if not annotation.is_document_level:  # the selection gives way to the highlight, flashed and marked
                        self.reader.show_annotation(annotation)
                        self.reader.set_selected_annotation(annotation)
        except (AnnotationError, ProjectError) as exc:
            QMessageBox.warning(self, "Cannot tag", as_text(str(exc)))
            return
        self.after_tag.later(lambda: self._follow_tag(doc_id, label, annotation))

    def _follow_tag(self, doc_id: int, label: Label, annotation: Annotation) -> None:
        """The list row and form, the status line and the entity offer for a tag just painted."""
        annotation = self.project.annotations.find(annotation.id)
        if annotation is None:
            return  # undone before its follow-up ran: the undo said so
        if doc_id == self.current_doc_id:
            self.annotation_panel.select(annotation.id, activate=False)  # the reader showed it already
            self.entities_panel.annotation_selected(annotation)
        snippet = " ".join(annotation.text.split())[:60]
        self.statusBar().showMessage(f"Tagged {label.name}: {snippet}", 5000)
        self.entities_panel.offer_entity(annotation)

    def _tag_from_action(self, label: Label) -> None:
        span = self.reader.selection()
        if span is None:
            self.statusBar().showMessage("Select some text in the reader first, then choose a label.", 5000)
            return
        exact = bool(QApplication.keyboardModifiers() & Qt.AltModifier)
        self.tag(label, span[0], span[1], exact)

    def delete_annotation(self) -> None:
        self.after_tag.settle()  # Delete right after a tag deletes that tag
        current = self.annotation_panel.current()
        if current is None:
            self.statusBar().showMessage("Select an annotation to delete (click its highlight or list entry).", 5000)
            return
        if not self.coder_view.writable(current):
            self.show_status(f"That annotation is {self.coder_view.owner(current)}'s; each coder deletes their own.")
            return
        self.reader.clear_mark()
        try:
            self.ops.delete(current)
        except ProjectError as exc:  # a shared project: changed by another coder meanwhile, or the server away
            QMessageBox.warning(self, "Cannot delete", as_text(str(exc)))

    def adjust_span(self, annotation_id: int, start: int, end: int) -> None:
        """New boundaries from the keyboard or a drag; a run of them undoes as one step."""
        if not self.coder_view.writable(self.project.annotations.find(annotation_id)):
            self.show_status("That annotation is another coder's; each coder adjusts their own.")
            return
        try:
            annotation = self.ops.run("Adjust span", self.project.annotations.set_span, annotation_id, start, end,
                                      document_id=self.current_doc_id, merge_key=("span", annotation_id))
        except AnnotationError as exc:
            QMessageBox.warning(self, "Cannot adjust the span", as_text(str(exc)))
            return
        except KeyError:
            QMessageBox.warning(self, "Cannot adjust the span", "That annotation no longer exists; select another.")
            return
        self.statusBar().showMessage(f"Span: {' '.join(annotation.text.split())[:80]}", 5000)

    def _annotation_stepped(self, annotation_id: int) -> None:
        self.annotation_panel.select(annotation_id)
        annotation = self.project.annotations.get(annotation_id)
        self.reader.show_annotation(annotation)  # flashes even when it was already the list's current row
        self.reader.set_selected_annotation(annotation)

    def _selection_info(self, count: int) -> None:
        text = f"{count} characters selected — press a label key to tag" if count else ""
        # Its new width lays the whole status bar out again and repaints it: held while a tag is shown.
        self.after_tag.defer(lambda: self.selection_label.setText(text))

    def open_codebook(self) -> None:
        """Ctrl+K: the Codebook window, beside the reader so labels can be tried out at once."""
        from annotator.ui.coding.codebook_editor import (
            open_codebook_editor,  # loaded when first asked for
        )

        open_codebook_editor(self)

    def _codebook_changed(self) -> None:
        """Labels were added, renamed, recoloured, moved or deleted: toolbar, highlights and list follow."""
        self._build_label_bar(self.project.codebook.codable_labels())
        if self.current_doc_id is not None:
            self.reader.set_annotations()
        self.annotation_panel.set_document(self.current_doc_id)

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._codebook_changed()
        if change.document_id == self.current_doc_id and change.kind.touches_annotations:
            if change.annotation_id is None:
                self.reader.set_annotations()
            else:  # one span: only the paragraphs it touches are highlighted again
                found = self.project.annotations.find(change.annotation_id)
                self.reader.put_annotation(change.annotation_id, found if self.coder_view.shows(found) else None)
            if change.kind == ChangeKind.ANNOTATION_REMOVED:
                self.reader.clear_mark()

    # -- the workbench: what features see of the window ----------------------------

    def reveal(self, document_id: int, *, span: tuple[int, int] | None = None,
               annotation_id: int | None = None, memo: bool = False) -> bool:
        """Open the document and show the place (see Workbench.reveal): the one way every feature goes there."""
        try:
            annotation = self.project.annotations.get(annotation_id) if annotation_id is not None else None
            self.project.documents.summary(annotation.document_id if annotation is not None else document_id)
        except KeyError:
            what = "annotation" if annotation_id is not None else "document"
            QMessageBox.warning(self, "Deleted meanwhile",
                                f"That {what} was deleted after it was listed (by an undo, or in another window). "
                                "Search or list again to see what is there now.")
            return False
        self.open_document(annotation.document_id if annotation is not None else document_id)
        reader = self.reader
        if annotation is not None and annotation.is_document_level:
            self.document_panel.setFocus()  # shown there, not in the text
        elif annotation is not None:
            self.annotation_panel.select(annotation.id)
            reader.show_annotation(annotation)  # flashes it
            reader.set_selected_annotation(annotation)  # ready for the arrows
            reader.setFocus()
        elif memo:
            self.document_panel.memo.setFocus()
        else:
            if span is not None and 0 <= span[0] <= span[1] <= reader.positions.length:
                reader.reveal_span(*span)
            reader.setFocus()
        return True

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def tool_window(self, key, factory=None):
        return self.tool_windows.get(key, factory)

    # -- find, zoom --------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def zoom(self, steps: int) -> None:
        if steps == 0:
            self.reader.set_point_size(12.5)
        else:
            self.reader.zoom(steps)

    # -- files -------------------------------------------------------------------
    # file_menu (file dialogs, the import's progress and report) loads when first used: at start-up it
    # cost every launch ~5 ms of imports, QFileDialog's and QProgressDialog's enums among them (issue 17).

    def new_project(self) -> None:
        from annotator.ui import file_menu

        path = file_menu.ask_new_project_path(self)
        if path is not None:
            if path.exists():
                QMessageBox.warning(self, "New project", as_text(f"{path} already exists. Use File › Open project to open it."))
                return
            self._switch_to(path, create=True)

    def open_project(self, path: Path | None = None) -> None:
        from annotator.ui import file_menu

        path = path or file_menu.ask_open_project_path(self)
        if path is not None:
            self._switch_to(path, create=False)

    def open_shared_project(self, url: str = "") -> None:
        from annotator.ui.shared.connect_dialog import ask_shared_project

        project = ask_shared_project(self, url)
        if project is not None:
            window_state.save(self, self.splitter, self.reader, self.reader_room)
            self.set_project(project)

    def _switch_to(self, path: Path | str, create: bool) -> None:
        try:
            project = Project(path, create=create, check_later=True)  # checked once shown
        except ProjectLocked as exc:  # open in another Annotator: read-only or cancel
            project = open_despite_lock(self, exc)
            if project is None:
                return
        except ProjectError as exc:
            if needs_password(str(exc)):  # a recent shared project: the form asks for the password
                return self.open_shared_project(str(path))
            QMessageBox.warning(self, "Cannot open project", as_text(str(exc)))
            return
        window_state.save(self, self.splitter, self.reader, self.reader_room)
        self.set_project(project)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_projects():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda checked=False, p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def import_files(self, folder: bool = False, paths: list[Path] | None = None) -> None:
        from annotator.ui import file_menu

        paths = paths if paths is not None else file_menu.ask_import_paths(self, folder)
        if paths:
            report = file_menu.run_import(self, self.project, paths, corpus_done=self._corpus_imported)
            if report.imported:  # what was just imported is what the analyst wants to see
                self.open_document(report.imported[0].document_id)

    def _corpus_imported(self, report) -> None:
        if report.imported and self.current_doc_id is None:
            self.open_document(report.imported[0].document_id)  # an empty window shows what arrived

    def export(self) -> None:
        from annotator.ui import file_menu

        file_menu.run_export(self, self.project)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        # Let the drag finish before a modal progress dialog starts.
        QTimer.singleShot(0, lambda: self.import_files(paths=paths))

    # -- help ----------------------------------------------------------------

    def show_shortcuts(self) -> None:
        keys = [(label.key, label.name) for label in self.project.codebook.codable_labels() if label.key]
        QMessageBox.information(self, "Keyboard shortcuts", as_text(shortcuts_text(keys)))

    def show_about(self) -> None:
        from annotator import __version__

        QMessageBox.about(self, "About Annotator",
                          f"Annotator {__version__}\nClaims, entities and stance in news.\nProject: {location(self.project)}")

    def closeEvent(self, event) -> None:
        if self.project is not None:  # a second close (e.g. at app exit) has nothing left to save
            window_state.save(self, self.splitter, self.reader, self.reader_room)
            self._teardown()  # the panels save a note or memo still being typed
        super().closeEvent(event)
