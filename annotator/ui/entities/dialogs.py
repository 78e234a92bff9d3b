"""Prompts of the Entities panel: merging two entities, and deleting one that is still in use.

Both are window-modal but opened with open(), so the event loop keeps running
(and tests can drive them) while they wait for the analyst.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from annotator.core.common.model import Entity
from annotator.core.entities.registry import EntitySummary
from annotator.core.project import Project
from annotator.ui.common.combos import data_combo
from annotator.ui.common.titles import fit_title


def _describe(project: Project, summary: EntitySummary) -> str:
    kind = project.codebook.label(summary.label_id).name
    mentions = f"{summary.mention_count} mention{'' if summary.mention_count == 1 else 's'}"
    return f"{summary.name} · {kind} · {mentions}"


class _ChooseEntity(QDialog):
    def __init__(self, title: str, text: str, ok_text: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.explanation = QLabel(text, self)
        self.explanation.setTextFormat(Qt.RichText)  # markup of its own around escaped names
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.choice = data_combo(self)
        layout.addWidget(self.choice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        fit_title(self)

    def chosen_id(self) -> int | None:
        return self.choice.currentData()


class MergeDialog(_ChooseEntity):
    """Choose the entity to fold into the selected one."""

    def __init__(self, project: Project, keep: Entity, parent=None):
        super().__init__(
            f"Merge into ‘{keep.name}’",
            f"Choose the entity that is the same as <b>{_esc(keep.name)}</b>. Its mentions, its uses as source, "
            "target or holder, its names (as aliases) and its memo move to "
            f"{_esc(keep.name)}, and it is removed. Ctrl+Z undoes the merge.",
            "Merge", parent,
        )
        self.setObjectName("mergeDialog")
        for summary in project.entities.all():
            if summary.id != keep.id:
                self.choice.addItem(_describe(project, summary), summary.id)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self.choice.count() > 0)


class DeleteEntityDialog(_ChooseEntity):
    """Say where an entity is used; let the analyst move its links elsewhere or, if it is only mentioned, drop them."""

    def __init__(self, project: Project, entity: Entity, parent=None):
        usage = project.entities.usage(entity.id)
        mentions = len(usage.mentions)
        lines = []
        if mentions:
            lines.append(f"{mentions} tagged span{'s are' if mentions != 1 else ' is'} linked to it.")
        if usage.in_roles:
            lines.append(f"It is {_esc(usage.describe_roles())}; those need another entity.")
        lines.append("Move its links to:")
        super().__init__(f"Delete ‘{entity.name}’", f"<b>{_esc(entity.name)}</b>: " + " ".join(lines),
                         "Delete", parent)
        self.setObjectName("deleteEntityDialog")
        if not usage.in_roles:
            # Mentions may simply lose their link; the spans stay tagged.
            self.choice.addItem("No entity (keep the spans, unlink them)", None)
        for summary in project.entities.all():
            if summary.id != entity.id:
                self.choice.addItem(_describe(project, summary), summary.id)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self.choice.count() > 0)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
