"""A drop-down of the codebook's labels for relabelling an annotation.

Type-ahead in a combo box activates every label it passes ("F" is Figure on
the way to "Favor"); relabelling at each would drop roles on the way (a stance
passing through an entity label loses its target). So a typed choice counts
once the typing pauses; a choice made with the mouse counts at once.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QComboBox

from annotator.core.common.model import LAYER_NAMES, Label
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import fit_to_short_names


class LabelCombo(QComboBox):
    labelChosen = Signal(int)  # label id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("labelCombo")
        fit_to_short_names(self)
        self._items: tuple = ()
        self._typing = False
        self._pause = QTimer(self, singleShot=True, interval=QApplication.keyboardInputInterval())
        self._pause.timeout.connect(self._typing_paused)
        self.activated.connect(self._activated)

    def set_labels(self, labels: list[Label]) -> None:
        items = tuple((label.id, label.name, label.color, label.key, label.layer) for label in labels)
        if items == self._items:
            return
        self._items = items
        self.clear()
        for label in labels:
            self.addItem(label_icon(label.color, label.key or ""), _caption(label), label.id)

    def show_label(self, label_id: int | None) -> None:
        """Show the stored label, unless the analyst is typing another one."""
        if not self._pause.isActive():
            self.setCurrentIndex(self.findData(label_id) if label_id is not None else -1)

    def cancel_typing(self) -> None:
        """Another annotation is shown: what was typed for the previous one is dropped."""
        self._pause.stop()
        self._typing = False

    def showPopup(self) -> None:  # noqa: N802
        self._typing = False  # a choice in the list is deliberate, however the list was opened
        super().showPopup()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        self._typing = True
        super().keyPressEvent(event)

    def _activated(self, index: int) -> None:
        if self._typing:
            self._pause.start()
        elif index >= 0:
            self.labelChosen.emit(self.itemData(index))

    def _typing_paused(self) -> None:
        self._typing = False
        if self.currentIndex() >= 0:
            self.labelChosen.emit(self.currentData())


def _caption(label) -> str:
    """"Person · Entity", but a label named like its layer (Claim) needs no repeat."""
    layer = LAYER_NAMES[label.layer]
    return label.name if label.name.casefold() == layer.casefold() else f"{label.name} · {layer}"
