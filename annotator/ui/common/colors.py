"""Label colours: tints for highlights that stay readable when spans overlap."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

TINT_ALPHA = 0.30


def blend(colors: list[str], base: str = "#FFFFFF", alpha: float = TINT_ALPHA) -> QColor:
    """Lay each colour over the base as translucent paint, outermost first.

    Nested spans darken where they overlap, so an entity inside a claim still
    shows both colours instead of the inner one hiding the outer.
    """
    r, g, b = (QColor(base).redF(), QColor(base).greenF(), QColor(base).blueF())
    for name in colors:
        c = QColor(name)
        r = r * (1 - alpha) + c.redF() * alpha
        g = g * (1 - alpha) + c.greenF() * alpha
        b = b * (1 - alpha) + c.blueF() * alpha
    return QColor.fromRgbF(r, g, b)


def _luminance(color: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF())


def key_color(color: str) -> str:
    """Black or white, whichever contrasts more with the swatch (WCAG): white on orange read poorly."""
    luminance = _luminance(QColor(color))
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


@lru_cache(maxsize=256)
def label_icon(color: str, key: str, size: int = 18) -> QIcon:
    """A swatch in the label's colour with its key letter, for toolbars and lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    fill = QColor(color)
    painter.setBrush(fill)
    painter.setPen(fill.darker(130))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 4, 4)
    if key:
        painter.setPen(QColor(key_color(color)))
        font = painter.font()
        font.setBold(True)
        font.setPixelSize(int(size * 0.62))
        painter.setFont(font)
        painter.drawText(pixmap.rect(), Qt.AlignCenter, key)
    painter.end()
    return QIcon(pixmap)
