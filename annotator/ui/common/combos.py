"""Drop-downs whose items come from data (label, entity, field and choice names): as wide as a short name.

A QComboBox is as wide as its longest item by default, so one label called by a whole
sentence widened its panel and pushed the reader aside. These show the start of a long
name, the whole of it in the list and in the box's tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

SHOWN_CHARS = 12


def data_combo(parent: QWidget | None = None, *, chars: int = SHOWN_CHARS) -> QComboBox:
    return fit_to_short_names(QComboBox(parent), chars=chars)


def fit_to_short_names(combo: QComboBox, *, chars: int = SHOWN_CHARS) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.currentTextChanged.connect(combo.setToolTip)
    return combo
