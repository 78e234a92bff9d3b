"""The main window: wiring between the project, the views and the undo stack. No logic of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QHeaderView, QLabel, QMainWindow, QMessageBox, QSplitter,
    QTableView, QToolBar, QVBoxLayout, QWidget,
)

from ..core.errors import AnnotationError, ProjectError
from ..core.model import LAYER_NAMES, Label
from ..core.project import Project
from ..core.store import Change
from . import file_actions, settings
from .colors import label_icon
from .find_bar import FindBar
from .models import DocumentListModel
from .operations import Operations
from .document_panel import DocumentPanel
from .panels import AnnotationPanel
from .reader import ReaderView
from .target_popup import TargetPopup


class MainWindow(QMainWindow):
    def __init__(self, project: Project):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.project: Project | None = None
        self.current_doc_id: int | None = None
        self._unsubscribe = None
        self._build_menus()
        self.label_bar = QToolBar("Labels", self)
        self.label_bar.setObjectName("labelBar")
        self.label_bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.TopToolBarArea, self.label_bar)
        self.selection_label = QLabel("")
        self.statusBar().addPermanentWidget(self.selection_label)
        self.set_project(project)
        self._restore_window()

    # -- building --------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._add(file_menu, "&New project…", self.new_project, QKeySequence.New)
        self._add(file_menu, "&Open project…", self.open_project, QKeySequence.Open)
        self.recent_menu = file_menu.addMenu("Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._add(file_menu, "&Import documents…", self.import_files, "Ctrl+I")
        self._add(file_menu, "Import &folder…", lambda: self.import_files(folder=True), "Ctrl+Shift+I")
        self._add(file_menu, "&Export…", self.export, "Ctrl+E")
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
        view = bar.addMenu("&View")
        self._add(view, "Zoom &in", lambda: self.zoom(1), [QKeySequence.ZoomIn, QKeySequence("Ctrl+=")])
        self._add(view, "Zoom &out", lambda: self.zoom(-1), QKeySequence.ZoomOut)
        self._add(view, "&Reset zoom", lambda: self.zoom(0), "Ctrl+0")
        go = bar.addMenu("&Go")
        self._add(go, "&Next document", lambda: self.step_document(1), "Alt+Down")
        self._add(go, "&Previous document", lambda: self.step_document(-1), "Alt+Up")
        help_menu = bar.addMenu("&Help")
        self._add(help_menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.HelpContents)
        self._add(help_menu, "&About Annotator", self.show_about)

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
        self._unsubscribe = project.subscribe(self._on_change)
        self.doc_model = DocumentListModel(project, self)
        self.doc_model.titleEdited.connect(lambda doc_id, title: self.ops.set_title(doc_id, title))
        self.doc_view = QTableView(self)
        self.doc_view.setObjectName("documentList")
        self.doc_view.setModel(self.doc_model)
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
            lambda current, _prev: self.open_document(self.doc_model.document_id(current.row())) if current.isValid() else None
        )
        self.reader = ReaderView(self)
        self.reader.tagRequested.connect(self.tag)
        self.reader.annotationClicked.connect(self._annotation_clicked)
        self.reader.deleteRequested.connect(self.delete_annotation)
        self.reader.selectionInfo.connect(self._selection_info)
        self.reader.hint.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.find_bar = FindBar(self.reader, self)
        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.reader, 1)
        centre_layout.addWidget(self.find_bar)
        self.document_panel = DocumentPanel(project, self.ops, self)
        self.annotation_panel = AnnotationPanel(project, self.ops, self)
        self.annotation_panel.annotationActivated.connect(self.reader.show_annotation)
        right = QSplitter(Qt.Vertical, self)
        right.addWidget(self.document_panel)
        right.addWidget(self.annotation_panel)
        right.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.doc_view)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 760, 360])
        self.setCentralWidget(self.splitter)
        self._build_label_bar(project.codebook.labels())
        self.setWindowTitle(f"{project.name} — Annotator")
        settings.remember_project(project.path)
        self.current_doc_id = None
        if self.doc_model.rowCount():
            self.doc_view.selectRow(0)
        else:
            self.open_document(None)

    def _build_label_bar(self, labels: list[Label]) -> None:
        self.label_bar.clear()
        self.reader.set_labels(labels)
        actions = []
        layer = None
        for label in labels:
            if label.layer != layer:
                if layer is not None:
                    self.label_bar.addSeparator()
                caption = QLabel(f" {LAYER_NAMES[label.layer]}: ")
                caption.setStyleSheet("color: palette(mid); font-weight: bold;")
                self.label_bar.addWidget(caption)
                layer = label.layer
            action = QAction(label_icon(label.color, label.key), label.name, self)
            action.setObjectName(f"label_{label.key}")
            action.setToolTip(f"<b>{label.name}</b> — key <b>{label.key}</b><br/>{label.description}")
            # The key is handled by the reader (plain letters must still type in text fields).
            action.setShortcutVisibleInContextMenu(True)
            action.setText(f"{label.name}\t{label.key}")
            action.setIconText(label.name)
            action.triggered.connect(lambda checked=False, lab=label: self._tag_from_action(lab))
            self.label_bar.addAction(action)
            actions.append((label, action))
        self.reader.label_actions = actions

    def _teardown(self) -> None:
        if self.project is None:
            return
        if self._unsubscribe:
            self._unsubscribe()
        self.doc_model.detach()
        self.annotation_panel.detach()
        self.document_panel.detach()
        self.undo_stack.clear()
        self.project.close()
        self.project = None

    # -- documents -------------------------------------------------------------

    def open_document(self, doc_id: int | None) -> None:
        if doc_id == self.current_doc_id and doc_id is not None:
            return
        self.current_doc_id = doc_id
        labels = self.project.codebook.labels()
        if doc_id is None:
            self.reader.set_document("", labels, [])
            self.reader.setPlaceholderText("No documents yet: File › Import documents, or drop text files here.")
            annotations = None
        else:
            doc = self.project.documents.get(doc_id)
            annotations = self.project.annotations.for_document(doc_id)
            self.reader.set_document(doc.text, labels, annotations)
        self.annotation_panel.set_document(doc_id, annotations)
        self.document_panel.set_document(doc_id)
        row = self.doc_model.row_of(doc_id) if doc_id is not None else -1
        if row >= 0 and self.doc_view.currentIndex().row() != row:
            self.doc_view.selectRow(row)

    def _show_replayed(self, doc_id: int | None) -> None:
        """After undo or redo, show the document the edit was in, as editors show the undone line."""
        if doc_id is not None and doc_id != self.current_doc_id:
            self.open_document(doc_id)

    def step_document(self, step: int) -> None:
        rows = self.doc_model.rowCount()
        if not rows:
            return
        current = self.doc_view.currentIndex().row()
        row = min(max(0, current + step), rows - 1) if current >= 0 else 0
        self.doc_view.selectRow(row)
        self.reader.setFocus()

    def edit_title(self) -> None:
        index = self.doc_view.currentIndex()
        if index.isValid():
            self.doc_view.edit(self.doc_model.index(index.row(), DocumentListModel.TITLE))

    # -- tagging -----------------------------------------------------------------

    def tag(self, label: Label, start: int, end: int, exact: bool = False) -> None:
        if self.current_doc_id is None:
            return
        doc_id = self.current_doc_id
        start, end = self.ops.span_for_tag(doc_id, start, end, exact)
        if label.layer == "stance":
            text = self.project.documents.text(doc_id)[start:end]
            popup = TargetPopup(label.name, text, self.project.annotations.targets(), self)
            popup.targetChosen.connect(lambda target: self._commit_tag(doc_id, label, start, end, target))
            popup.finished.connect(popup.deleteLater)
            self.target_popup = popup
            popup.open()
            return
        self._commit_tag(doc_id, label, start, end, None)

    def _commit_tag(self, doc_id: int, label: Label, start: int, end: int, target: str | None) -> None:
        try:
            annotation = self.ops.tag(doc_id, label, start, end, target)
        except (AnnotationError, ProjectError) as exc:
            QMessageBox.warning(self, "Cannot tag", str(exc))
            return
        if doc_id == self.current_doc_id:
            self.reader.select_span(end, end)
            self.annotation_panel.select(annotation.id)
        snippet = " ".join(annotation.text.split())[:60]
        self.statusBar().showMessage(f"Tagged {label.name}: {snippet}", 5000)

    def _tag_from_action(self, label: Label) -> None:
        span = self.reader.selection()
        if span is None:
            self.statusBar().showMessage("Select some text in the reader first, then choose a label.", 5000)
            return
        exact = bool(QApplication.keyboardModifiers() & Qt.AltModifier)
        self.tag(label, span[0], span[1], exact)

    def delete_annotation(self) -> None:
        current = self.annotation_panel.current()
        if current is None:
            self.statusBar().showMessage("Select an annotation to delete (click its highlight or list entry).", 5000)
            return
        self.reader.clear_mark()
        self.ops.delete(current)

    def _annotation_clicked(self, annotation_id: int) -> None:
        self.annotation_panel.select(annotation_id)

    def _selection_info(self, count: int) -> None:
        self.selection_label.setText(f"{count} characters selected — press a label key to tag" if count else "")

    def _on_change(self, change: Change) -> None:
        if change.document_id == self.current_doc_id and change.kind.startswith("annotation"):
            self.reader.set_annotations(self.project.annotations.for_document(self.current_doc_id))
            if change.kind == "annotation_removed":
                self.reader.clear_mark()

    # -- find, zoom --------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def zoom(self, steps: int) -> None:
        if steps == 0:
            self.reader.set_point_size(12.5)
        else:
            self.reader.zoom(steps)

    # -- files -------------------------------------------------------------------

    def new_project(self) -> None:
        path = file_actions.ask_new_project_path(self)
        if path is not None:
            if path.exists():
                QMessageBox.warning(self, "New project", f"{path} already exists. Use File › Open project to open it.")
                return
            self._switch_to(path, create=True)

    def open_project(self, path: Path | None = None) -> None:
        path = path or file_actions.ask_open_project_path(self)
        if path is not None:
            self._switch_to(path, create=False)

    def _switch_to(self, path: Path, create: bool) -> None:
        try:
            project = Project(path, create=create)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot open project", str(exc))
            return
        self._save_window()
        self.set_project(project)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_projects():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda checked=False, p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def import_files(self, folder: bool = False, paths: list[Path] | None = None) -> None:
        paths = paths if paths is not None else file_actions.ask_import_paths(self, folder)
        if paths:
            report = file_actions.run_import(self, self.project, paths)
            if report.imported and self.current_doc_id is None:
                self.open_document(report.imported[0].document_id)

    def export(self) -> None:
        file_actions.run_export(self, self.project)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        # Let the drag finish before a modal progress dialog starts.
        QTimer.singleShot(0, lambda: self.import_files(paths=paths))

    # -- help ----------------------------------------------------------------

    def show_shortcuts(self) -> None:
        keys = ", ".join(f"{label.key} {label.name}" for label in self.project.codebook.labels())
        QMessageBox.information(
            self, "Keyboard shortcuts",
            "Select text, then press a label key to tag it:\n" + keys + "\n\n"
            "Alt+key: tag the exact selection (no snapping to whole words)\n"
            "Delete: delete the selected annotation\nCtrl+Z / Ctrl+Shift+Z: undo / redo\n"
            "Ctrl+F: find; Enter next match; Esc closes and keeps the match selected\n"
            "Alt+Down / Alt+Up: next / previous document\nCtrl+plus / Ctrl+minus / Ctrl+0: zoom\n"
            "F2: edit the document title",
        )

    def show_about(self) -> None:
        from .. import __version__

        QMessageBox.about(self, "About Annotator",
                          f"Annotator {__version__}\nClaims, entities and stance in news.\nProject: {self.project.path}")

    # -- window state ------------------------------------------------------------

    def _restore_window(self) -> None:
        s = settings.settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        state = s.value("window/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.splitter.restoreState(state)
        size = s.value("reader/point_size")
        if size:
            self.reader.set_point_size(float(size))

    def _save_window(self) -> None:
        s = settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("reader/point_size", self.reader.font().pointSizeF())
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.annotation_panel._commit_note()
        self._save_window()
        self._teardown()
        super().closeEvent(event)
