"""'Tag other mentions': every occurrence of an entity's names, reviewed with checkboxes, tagged in one step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.entities.registry import Candidate
from annotator.core.project import Project
from annotator.ui.actions.operations import Operations
from annotator.ui.common.plain_text import as_text, plain_tip
from annotator.ui.common.titles import fit_title


class TagMentionsDialog(QDialog):
    """Window-modal but not blocking (open(), not exec()), like the other prompts."""

    def __init__(self, project: Project, ops: Operations, entity_id: int, document_id: int | None, parent=None):
        super().__init__(parent)
        self.setObjectName("tagMentionsDialog")
        self._project, self._ops = project, ops
        self._entity = project.entities.get(entity_id)
        self._document_id = document_id
        self._candidates: list[Candidate] = []
        self.setWindowTitle(f"Tag other mentions of ‘{self._entity.name}’")
        fit_title(self)
        layout = QVBoxLayout(self)
        names = ", ".join(f"‘{name}’" for name in (self._entity.name, *self._entity.aliases))
        intro = QLabel(f"Occurrences of {_esc(names)}, whole words, in any case or width. "
                       "Uncheck the ones that mean something else.")
        intro.setTextFormat(Qt.RichText)  # markup of its own around escaped names
        intro.setWordWrap(True)
        layout.addWidget(intro)
        scope = QHBoxLayout()
        self.this_document = QRadioButton("This document", self)
        self.whole_corpus = QRadioButton("Whole corpus", self)
        self.this_document.setEnabled(document_id is not None)
        (self.this_document if document_id is not None else self.whole_corpus).setChecked(True)
        self.this_document.toggled.connect(lambda _checked: self._search())
        scope.addWidget(self.this_document)
        scope.addWidget(self.whole_corpus)
        scope.addStretch(1)
        layout.addLayout(scope)
        self.summary = QLabel("")
        layout.addWidget(self.summary)
        self.list = QListWidget(self)
        self.list.setObjectName("mentionCandidates")
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(lambda _item: self._update_count())
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.select_all = QPushButton("Select all", self)
        self.select_all.clicked.connect(lambda: self._check_all(True))
        self.select_none = QPushButton("Select none", self)
        self.select_none.clicked.connect(lambda: self._check_all(False))
        self.tag_button = QPushButton("Tag 0 mentions", self)
        self.tag_button.setDefault(True)
        self.tag_button.clicked.connect(self.accept)
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        for button in (self.select_all, self.select_none):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.tag_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(640, 460)
        self._search()

    def candidates(self) -> list[Candidate]:
        """What the list shows, in order."""
        return list(self._candidates)

    def chosen(self) -> list[Candidate]:
        """The checked candidates that are not tagged yet."""
        return [c for row, c in enumerate(self._candidates)
                if not c.tagged and self.list.item(row).checkState() == Qt.Checked]

    def _search(self) -> None:
        document_id = self._document_id if self.this_document.isChecked() else None
        self._candidates = self._project.entities.find_mentions(self._entity.id, document_id)
        corpus = document_id is None
        self.list.blockSignals(True)
        self.list.clear()
        for candidate in self._candidates:
            where = f"{candidate.document_title}: " if corpus else ""
            text = f"{where}{candidate.text} — {candidate.context}"
            item = QListWidgetItem(text + ("   (already tagged)" if candidate.tagged else ""))
            item.setToolTip(plain_tip(f"{candidate.document_title}, characters {candidate.start}–{candidate.end}"))
            if candidate.tagged:
                # Shown for the overview, but nothing to do: an entity span is already there.
                item.setFlags(item.flags() & ~Qt.ItemIsEnabled & ~Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked)
            else:
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        tagged = sum(c.tagged for c in self._candidates)
        documents = len({c.document_id for c in self._candidates})
        self.summary.setText(
            f"{len(self._candidates)} found in {documents} document{'s' if documents != 1 else ''}"
            + (f", {tagged} already tagged." if tagged else ".")
            if self._candidates else "No occurrences of these names here."
        )
        self._update_count()

    def _check_all(self, checked: bool) -> None:
        self.list.blockSignals(True)
        for row, candidate in enumerate(self._candidates):
            if not candidate.tagged:
                self.list.item(row).setCheckState(Qt.Checked if checked else Qt.Unchecked)
        self.list.blockSignals(False)
        self._update_count()

    def _update_count(self) -> None:
        count = len(self.chosen())
        self.tag_button.setText(f"Tag {count} mention{'' if count == 1 else 's'}")
        self.tag_button.setEnabled(count > 0)

    def accept(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        documents = {c.document_id for c in chosen}
        try:
            self._ops.run(f"Tag {len(chosen)} mentions of {self._entity.name}", self._project.entities.tag_mentions,
                          self._entity.id, chosen, document_id=next(iter(documents)) if len(documents) == 1 else None)
        except (ProjectError, AnnotationError) as exc:
            QMessageBox.warning(self, "Cannot tag these mentions", as_text(str(exc)))
            return
        super().accept()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
