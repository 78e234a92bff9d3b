"""The right-hand annotation panel: the current document's span annotations and the selected one's details."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import Annotation, Label
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.coding.annotation_list import AnnotationListModel
from annotator.ui.coding.attribute_form import AttributeForm
from annotator.ui.coding.label_combo import LabelCombo
from annotator.ui.coding.target_popup import TargetPopup, resolve_role
from annotator.ui.common.caption import Caption
from annotator.ui.common.coder_view import CoderView
from annotator.ui.common.completion import complete_targets
from annotator.ui.common.errors import said_calmly, server_away
from annotator.ui.common.models import ANNOTATION_ID_ROLE
from annotator.ui.common.plain_text import as_text

Selection = Callable[[], "tuple[int, int] | None"]  # the reader's selection, in code points
_NOTHING_SELECTED = "<span style='color:gray'>No tag selected: click one in the reader or the list.</span>"
_WARNING = "color: #C62828;"


class AnnotationPanel(QWidget):
    """The list of span annotations in text order, and a form for the selected one.

    The form follows the layer: an entity span links to the registry, a claim
    names its source and attribution cue, a stance its target and holder; then
    come the label's attributes and the note. Every change is one undoable step.
    """

    annotationActivated = Signal(object)  # Annotation

    def __init__(self, project: Project, ops: Operations, parent=None, *, selection: Selection | None = None,
                 coders: CoderView | None = None):
        super().__init__(parent)
        self._project, self._ops = project, ops
        self._coders = coders  # whose codes are listed, and which of them may be edited
        self._selection = selection or (lambda: None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = Caption("Annotations", self)
        layout.addWidget(self.heading)
        self.model = AnnotationListModel(project, self, coders=coders)
        self.view = _list_view(self)
        self.view.setModel(self.model)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.clicked.connect(self._clicked)
        self.model.modelReset.connect(self._after_reset)
        # A tag, an edit or a deletion changes one row; the list is not reloaded for it.
        self.model.rowsInserted.connect(self._count_rows)
        self.model.rowsRemoved.connect(self._count_rows)
        self.model.rowLeaving.connect(self._row_leaving)
        self.model.dataChanged.connect(self._rows_changed)
        # A change to a row not among those read (its page dropped after another row came) relays the
        # list out instead: the form still shows the selected annotation as it is now.
        self.model.layoutChanged.connect(self._layout_changed)
        # The form below needs the room once a claim shows its source, cue and attributes.
        layout.addWidget(self.view, 2)
        details = self.details = QGroupBox("Selected annotation", self)
        self.form = form = QFormLayout()
        column = QVBoxLayout(details)
        column.addLayout(form)
        column.addStretch(1)  # spare height goes below the form, never between a caption and its field
        self.label_combo = LabelCombo(details)
        self.label_combo.labelChosen.connect(self._label_chosen)
        form.addRow("Label:", self.label_combo)
        self.label_text = QLabel(_NOTHING_SELECTED, details)
        self.label_text.setTextFormat(Qt.RichText)  # markup of its own around the escaped snippet
        self.label_text.setWordWrap(True)
        self.label_text.setAlignment(Qt.AlignLeft | Qt.AlignTop)  # beside "Text:", however tall the row grows
        # No row takes spare height: a row that grew put its field ~50 px below its caption.
        self.label_text.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        form.addRow("Text:", self.label_text)
        self.entity_edit = self._name_field("entityEdit", "Registry entity, e.g. Walmart", self._entity_edited,
                                            project.entities.names)
        self.create_entity = QPushButton("", details)
        self.create_entity.setObjectName("createEntity")
        self.create_entity.clicked.connect(self._create_entity)
        self.unlink_entity = QPushButton("Unlink", details)
        self.unlink_entity.clicked.connect(lambda: self._edit("Unlink entity", self._project.annotations.link_entity, None))
        self.entity_edit.textEdited.connect(lambda _text: self._offer_create())
        self.entity_row = self._row(self.entity_edit, self.unlink_entity)
        form.addRow("Entity:", self.entity_row)
        form.addRow("", self.create_entity)
        self.source_edit = self._name_field("sourceEdit", "Who claims it: an entity or e.g. ‘a spokesperson’",
                                            lambda: self._role_edited("source", self.source_edit))
        form.addRow("Source:", self.source_edit)
        self.cue_text = QLabel("—", details)
        self.cue_text.setObjectName("cueText")
        self.cue_text.setTextFormat(Qt.RichText)  # an escaped cue: AT&amp;T shows as AT&T
        self.set_cue = QPushButton("Set from selection", details)
        self.set_cue.setObjectName("setCue")
        self.set_cue.setToolTip("Select the attribution words in the reader (‘said’, ‘according to’), then press this.")
        self.set_cue.clicked.connect(self._cue_from_selection)
        self.clear_cue = QPushButton("Clear cue", details)
        self.clear_cue.clicked.connect(lambda: self._edit("Clear cue", self._project.annotations.set_cue, None, None))
        self.cue_row = self._row(self.cue_text, self.set_cue, self.clear_cue)
        form.addRow("Cue:", self.cue_row)
        self.target_edit = self._name_field("targetEdit", "What the stance is toward (required)",
                                            lambda: self._role_edited("target", self.target_edit))
        form.addRow("Target *:", self.target_edit)
        self.holder_edit = self._name_field("holderEdit", "Optional: who takes the stance",
                                            lambda: self._role_edited("holder", self.holder_edit))
        form.addRow("Holder:", self.holder_edit)
        self.role_warning = QLabel("", details)
        self.role_warning.setStyleSheet(_WARNING)
        form.addRow(self.role_warning)
        self.attributes = AttributeForm(form, after=self.role_warning)
        self.attributes.valueEdited.connect(self._value_edited)
        self.note_edit = QPlainTextEdit(details)
        self.note_edit.setPlaceholderText("Note (saved when you leave the field)")
        self.note_edit.setMaximumHeight(70)
        self.note_edit.installEventFilter(self)
        form.addRow("Note:", self.note_edit)
        self.delete_button = QPushButton("Delete annotation (Del)", details)
        self.delete_button.clicked.connect(self.delete_current)
        form.addRow("", self.delete_button)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(details)
        layout.addWidget(scroll, 3)
        self._current: Annotation | None = None
        self._quiet = False  # select(activate=False) is choosing the row: the reader shows it already
        # Runs the window's follow-up of a tag still waiting for its repaint (MainWindow.after_tag),
        # which selects the tag here: whoever asks what is selected gets the answer the analyst will see.
        self.settle: Callable[[], None] = lambda: None
        self._shown_id: int | None = None
        self._note_base: str | None = None  # the saved note the field showed when typing began
        self._doc_text: tuple[int, str] | None = None
        self._resetting = False
        self._unsubscribe = project.subscribe(self._on_change)
        self._doc_id: int | None = None
        if coders is not None:
            coders.changed.connect(lambda: self.set_document(self._doc_id))
        self._show_details(None)

    def _name_field(self, name: str, hint: str, committed: Callable[[], None],
                    names: Callable[[], list[str]] | None = None) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(hint)
        edit.setClearButtonEnabled(True)
        edit.editingFinished.connect(committed)
        complete_targets(edit, names or self._project.annotations.targets)
        return edit

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget(self)
        row.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)  # see label_text: never taller than its fields
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        for i, widget in enumerate(widgets):
            box.addWidget(widget, 1 if i == 0 else 0)
        return row

    def detach(self) -> None:
        self._commit_note()
        self._current = None  # the project is closing: a later focus-out has nothing to save into
        self._unsubscribe()
        self.model.detach()

    def set_document(self, doc_id: int | None, annotations: list[Annotation] | None = None) -> None:
        self._commit_note()
        self._doc_text = None
        self._doc_id = doc_id
        self.model.set_document(doc_id, annotations)

    def current(self) -> Annotation | None:
        self.settle()
        return self._current

    def select(self, annotation_id: int, *, activate: bool = True) -> None:
        """Make the annotation the list's current row and show it in the form, and tell the reader
        (annotationActivated) unless `activate` is False: the reader shows it already."""
        reveal(self)  # a click on a highlight must show the annotation, whichever side tab is open
        row = self.model.row_of(annotation_id)
        if row >= 0:
            index = self.model.index(row)
            self._quiet = not activate
            try:
                self.view.setCurrentIndex(index)
            finally:
                self._quiet = False
            self.view.scrollTo(index)

    def delete_current(self) -> None:
        if self._current is not None and (self._coders is None or self._coders.writable(self._current)):
            self._ops.delete(self._current)

    # -- following the list --------------------------------------------------------

    def _after_reset(self) -> None:
        count = self.model.rowCount()
        self.heading.setText(f"Annotations ({count})")
        if self._current is not None:
            row = self.model.row_of(self._current.id)
            if row >= 0:
                # Take the fresh row first: the selection change below compares against it.
                self._current = self.model.annotation(row)
                self._resetting = True
                try:
                    self.view.setCurrentIndex(self.model.index(row))
                finally:
                    self._resetting = False
                self._show_details(self._current)
                return
        self._current = None
        self._show_details(None)

    def _count_rows(self) -> None:
        self.heading.setText(f"Annotations ({self.model.rowCount()})")

    def _row_leaving(self, row: int) -> None:
        """The current annotation is being deleted: nothing is selected after, as after a reload."""
        if self._current is None or self.model.row_of(self._current.id) != row:
            return
        self._resetting = True
        try:
            self.view.setCurrentIndex(QModelIndex())
        finally:
            self._resetting = False
        self._current = None
        self._show_details(None)

    def _rows_changed(self, first: QModelIndex, last: QModelIndex) -> None:
        if self._current is not None and first.row() <= self.model.row_of(self._current.id) <= last.row():
            self._current = self.model.annotation(self.model.row_of(self._current.id))
            self._show_details(self._current)

    def _layout_changed(self) -> None:
        row = self.model.row_of(self._current.id) if self._current is not None else -1
        if row >= 0:
            self._current = self.model.annotation(row)
            self._show_details(self._current)

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if self._resetting:
            return
        if index.isValid() and self._current is not None and index.data(ANNOTATION_ID_ROLE) == self._current.id:
            return  # the same annotation, its row moved with its span: nothing to activate
        self._commit_note()
        shown, shown_id = self._current, self._shown_id
        try:
            self._current = self.model.annotation(index.row()) if index.isValid() else None
            self._show_details(self._current)  # reads before it changes a field
        except server_away() as exc:  # a shared project's server is away: list and form stay as they were
            self._current, self._shown_id = shown, shown_id
            row = self.model.row_of(shown.id) if shown is not None else -1
            self.view.setCurrentIndex(self.model.index(row) if row >= 0 else QModelIndex())  # a click again opens it
            if not said_calmly(exc):
                raise
            return
        if self._current is not None and not self._quiet:
            self.annotationActivated.emit(self._current)

    def _clicked(self, index: QModelIndex) -> None:
        # A click on the already-current row should still scroll to and flash its span.
        if index.isValid():
            self.annotationActivated.emit(self.model.annotation(index.row()))

    def _on_change(self, change: Change) -> None:
        # A renamed entity, a new attribute or label: the form shows names and fields from those.
        if change.kind in (ChangeKind.ENTITIES_CHANGED, ChangeKind.CODEBOOK_CHANGED) and self._current is not None:
            if change.kind == ChangeKind.CODEBOOK_CHANGED:
                self.attributes.build(None, [])
            self._show_details(self._current)

    # -- showing the selected annotation --------------------------------------------

    def _show_details(self, a: Annotation | None) -> None:
        same = a is not None and a.id == self._shown_id
        self._shown_id = a.id if a is not None else None
        # In a team, another coder's annotation (shown to compare) is theirs: it is shown, not edited.
        theirs = a is not None and self._coders is not None and not self._coders.writable(a)
        self.details.setEnabled(not theirs)
        self.details.setTitle(f"Selected annotation: {self._coders.owner(a)}'s (read-only)" if theirs
                              else "Selected annotation")
        for widget in (self.label_combo, self.note_edit, self.delete_button):
            widget.setEnabled(a is not None)
        layer = self._project.codebook.label(a.label_id).layer if a is not None else None
        for widget, shown in ((self.entity_row, layer == "entity"), (self.source_edit, layer == "claim"),
                              (self.cue_row, layer == "claim"), (self.target_edit, layer == "stance"),
                              (self.holder_edit, layer == "stance")):
            self.form.setRowVisible(widget, shown)
        if not same:
            self.label_combo.cancel_typing()
        self.label_combo.set_labels(self._project.codebook.codable_labels())
        self.label_combo.show_label(a.label_id if a is not None else None)
        if a is None:
            self.label_text.setText(_NOTHING_SELECTED)
            self.note_edit.clear()
            self._note_base = None
            self.form.setRowVisible(self.create_entity, False)
            self.form.setRowVisible(self.role_warning, False)
            self.attributes.build(None, [])
            return
        snippet = " ".join(a.text.split())
        self.label_text.setText(f"{_esc(snippet[:117] + '…' if len(snippet) > 120 else snippet)} "
                               f"<span style='color:gray'>({a.start}–{a.end})</span>")
        names = self._project.annotations.display_role
        if layer == "entity":
            self._put(self.entity_edit, names(a, "entity"), same)
            self.unlink_entity.setEnabled(a.entity_id is not None)
        elif layer == "claim":
            self._put(self.source_edit, names(a, "source"), same)
            cue = self._text_of(a.document_id)[a.cue_start:a.cue_end] if a.cue_start is not None else ""
            self.cue_text.setText(f"“{_esc(cue)}”" if cue else "<i>none</i>")
            self.clear_cue.setEnabled(bool(cue))
        elif layer == "stance":
            self._put(self.target_edit, names(a, "target"), same)
            self._put(self.holder_edit, names(a, "holder"), same)
        self._offer_create()
        missing_target = layer == "stance" and a.target is None and a.target_entity_id is None
        self.role_warning.setText("A stance needs a target: type the entity or topic it is toward." if missing_target else "")
        self.form.setRowVisible(self.role_warning, missing_target)
        if self.attributes.label_id != a.label_id:
            self.attributes.build(a.label_id, self._project.codebook.attributes(a.label_id))
        self.attributes.show_values(self._project.values.of(a.id), self._project.values.missing_required(a.id),
                                    same_annotation=same)
        # A note being typed stays when the annotation changes under it (another coder's edit on a
        # shared project, a value set here): only a note not touched since it was shown follows.
        if not (same and self.note_edit.document().isModified()):
            self._note_base = a.note  # what the analyst starts typing over
            if self.note_edit.toPlainText() != a.note:
                self.note_edit.setPlainText(a.note)
            self.note_edit.document().setModified(False)

    @staticmethod
    def _put(edit: QLineEdit, text: str | None, same: bool) -> None:
        # What the analyst is still typing (not yet committed) stays; anything else shows the stored name.
        if same and edit.isModified():
            return
        if edit.text() != (text or ""):
            edit.setText(text or "")

    def _text_of(self, doc_id: int) -> str:
        if self._doc_text is None or self._doc_text[0] != doc_id:
            self._doc_text = (doc_id, self._project.documents.text(doc_id))
        return self._doc_text[1]

    def _offer_create(self) -> None:
        """Offer "Create entity ‘X’" when the entity field names no registry entity of the span's type."""
        a, name = self._current, " ".join(self.entity_edit.text().split())
        offer = False
        if a is not None and name and self._project.codebook.label(a.label_id).layer == "entity":
            offer = self._project.entities.match(name, label=a.label_id) is None
        self.create_entity.setText(f"Create entity ‘{name}’" if offer else "")
        self.form.setRowVisible(self.create_entity, offer)

    # -- edits ------------------------------------------------------------------------

    def _edit(self, what: str, action: Callable, *args, merge_key: object = None, **kwargs) -> bool:
        """Run an edit of the selected annotation as one undoable step; say why when it is refused."""
        a = self._current
        if a is None:
            return False
        try:
            # Keywords bound first: set_role's text= would collide with run()'s own first parameter.
            self._ops.run(what, partial(action, **kwargs), a.id, *args, document_id=a.document_id, merge_key=merge_key)
        except (AnnotationError, ProjectError) as exc:
            QMessageBox.warning(self, what, as_text(str(exc)))
            self._shown_id = None  # show the stored values again, not what was refused
            self._show_details(self._current)
            return False
        return True

    def _label_chosen(self, label_id: int) -> None:
        a = self._current
        if a is None:
            return
        label: Label = self._project.codebook.label(label_id)
        old = self._project.codebook.label(a.label_id)
        if label.id == old.id:
            return
        if label.layer == "stance" and old.layer != "stance":
            self._ask_target(a, label)  # a stance is always toward something
            return
        self._edit(f"Relabel as {label.name}", self._project.annotations.relabel, label)

    def _ask_target(self, a: Annotation, label: Label) -> None:
        self.label_combo.show_label(a.label_id)
        popup = TargetPopup(label.name, a.text, self._project.annotations.targets(), self,
                            match=self._project.entities.match)
        popup.stanceChosen.connect(lambda roles: self._edit(f"Relabel as {label.name}", self._relabel_to_stance,
                                                            label, roles))
        popup.finished.connect(popup.deleteLater)
        self.target_popup = popup
        popup.open()

    def _relabel_to_stance(self, annotation_id: int, label: Label, roles: dict) -> Annotation:
        annotations = self._project.annotations
        annotations.relabel(annotation_id, label, target=roles.get("target"),
                            target_entity_id=roles.get("target_entity_id"))
        if "holder" in roles or "holder_entity_id" in roles:
            annotations.set_role(annotation_id, "holder", entity_id=roles.get("holder_entity_id"),
                                 text=roles.get("holder"))
        return annotations.get(annotation_id)

    def _role_edited(self, role: str, edit: QLineEdit) -> None:
        a = self._current
        # Leaving the field also ends editing: only a name that differs from the stored one is an edit.
        if a is None or " ".join(edit.text().split()) == (self._project.annotations.display_role(a, role) or ""):
            return
        edit.setModified(False)
        entity_id, text = resolve_role(edit.text(), self._project.entities.match)
        if role == "target" and entity_id is None and text is None:
            QMessageBox.warning(self, "Edit target", "A stance needs a target: type the entity or topic it is toward, "
                                "or delete the stance if it has none.")
            self._show_details(self._current)
            return
        self._edit(f"Edit {role}", self._project.annotations.set_role, role, entity_id=entity_id, text=text)
        self._show_details(self._current)  # "amazon.com" typed for a link to Amazon reads "Amazon" again

    def _entity_edited(self) -> None:
        a = self._current
        name = " ".join(self.entity_edit.text().split())
        if a is None or name == (self._project.annotations.display_role(a, "entity") or ""):
            self._offer_create()
            return
        entity = self._project.entities.match(name, label=a.label_id) if name else None
        if name and entity is None:
            self._offer_create()  # the typed name stays (modified) until it is created or replaced
            return
        self.entity_edit.setModified(False)
        if entity is None:
            self._edit("Unlink entity", self._project.annotations.link_entity, None)
        else:
            self._edit(f"Link to {entity.name}", self._project.annotations.link_entity, entity.id)
        self._show_details(self._current)

    def _create_entity(self) -> None:
        name = " ".join(self.entity_edit.text().split())
        if self._current is not None and name:
            self.entity_edit.setModified(False)
            self._edit(f"Create entity {name}", self._create_and_link, name)

    def _create_and_link(self, annotation_id: int, name: str) -> Annotation:
        label_id = self._project.annotations.get(annotation_id).label_id
        entity = self._project.entities.create(name, label_id)
        return self._project.annotations.link_entity(annotation_id, entity.id)

    def _cue_from_selection(self) -> None:
        a, span = self._current, self._selection()
        if a is None:
            return
        if span is None:
            QMessageBox.warning(self, "Set cue", "Select the attribution words in the reader first "
                                "(e.g. ‘said’ or ‘according to’), then press Set from selection.")
            return
        self._edit("Set cue", self._project.annotations.set_cue, *span, exact=not self._ops.snap_words)

    def _value_edited(self, attribute_id: int, value: object) -> None:
        a = self._current
        if a is None:
            return
        attributes = self._project.codebook.attributes(a.label_id)
        name = next((x.name for x in attributes if x.id == attribute_id), "attribute")
        # One key for a field's edits: typing a word is one undo step, not one per letter.
        self._edit(f"Set {name}", self._project.values.set, attribute_id, value, merge_key=("value", a.id, attribute_id))

    def _commit_note(self) -> None:
        if self._current is not None and self.note_edit.toPlainText() != self._current.note:
            if self._note_base is not None and self._current.note != self._note_base:
                # Another coder saved this note while it was being typed here: never a silent overwrite.
                self._note_base = self._current.note
                QMessageBox.warning(self, "Note not saved", as_text(
                    f"Another coder changed this note while you typed. The saved note reads: “{self._current.note}”."
                    "\n\nWhat you typed is still in the note field: leave the field again to save it over theirs."))
                return
            try:
                self._ops.set_note(self._current, self.note_edit.toPlainText())
            except ProjectError as exc:
                # Refused (another coder's change unseen, the server away): what was typed stays in the field.
                stored = self._current.note if self._current is not None else ""
                QMessageBox.warning(self, "Note not saved", as_text(
                    f"{exc}\n\nThe saved note reads: “{stored}”. What you typed is still in the note field."))
                return
        self._note_base = self._current.note if self._current is not None else None
        self.note_edit.document().setModified(False)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.note_edit and event.type() == event.Type.FocusOut:
            self._commit_note()
        return super().eventFilter(obj, event)


def _list_view(parent: QWidget) -> QTableView:
    """A one-column table that reads as a list. A QListView lays out every row
    on each change (10,000 model calls for a long article); a table of fixed
    row height asks only for the rows in view."""
    view = QTableView(parent)
    view.setObjectName("annotationList")
    view.setEditTriggers(QTableView.NoEditTriggers)
    view.setSelectionBehavior(QTableView.SelectRows)
    view.setSelectionMode(QTableView.SingleSelection)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.horizontalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.Fixed)
    rows.setDefaultSectionSize(max(view.fontMetrics().height(), view.iconSize().height(), 18) + 4)
    return view


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reveal(widget) -> None:
    """Bring forward whatever tab page holds the widget.

    A QTabWidget keeps its pages in a QStackedWidget, but the tab widget owns which
    page is shown: switching the stack directly leaves the tab bar highlighting the
    old tab, and a click on that tab then changes nothing. So a tab page is shown
    through its tab widget; only a plain stack is switched itself.
    """
    page, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget) and tabs.indexOf(page) >= 0:
                tabs.setCurrentWidget(page)
            else:
                parent.setCurrentWidget(page)
        page, parent = parent, parent.parentWidget()
