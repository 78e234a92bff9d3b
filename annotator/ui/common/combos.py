"""Drop-downs whose items come from data (label, entity, field and choice names): as wide as a short name.

A QComboBox is as wide as its longest item by default, so one label called by a whole
sentence widened its panel and pushed the reader aside. These show the start of a long
name, the whole of it in the list and in the box's tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from annotator.ui.common.plain_text import plain_tip

SHOWN_CHARS = 8  # "Neutral", "Against": a typical label shows whole


def data_combo(parent: QWidget | None = None, *, chars: int = SHOWN_CHARS) -> QComboBox:
    return fit_to_short_names(QComboBox(parent), chars=chars)


def fit_to_short_names(combo: QComboBox, *, chars: int = SHOWN_CHARS) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.currentTextChanged.connect(lambda text: combo.setToolTip(plain_tip(text)))
    return combo
