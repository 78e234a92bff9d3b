"""Draws the app icon: resources/icon.png (256 px, QPainter) and resources/icon.svg from one geometry.

Run it after changing the shapes below; both outputs are committed so builds need no drawing step.
    python packaging/make_icon.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SIZE = 256
PAGE = "#FDFBF7"
INK = "#3B4252"
BACKGROUND = "#2E5C8A"
# An article page with lines of text; three are highlighted in the entity, claim and stance colours.
LINES = [  # (x, y, width, highlight colour or None)
    (64, 70, 128, None),
    (64, 98, 92, "#F28E2B"),
    (64, 126, 128, None),
    (64, 154, 110, "#E15759"),
    (64, 182, 72, "#59A14F"),
]
LINE_HEIGHT = 12


def draw_png(path: Path) -> None:
    image = QImage(SIZE, SIZE, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QColor(BACKGROUND))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 44, 44)
    painter.setBrush(QColor(PAGE))
    painter.drawRoundedRect(QRectF(44, 36, 168, 184), 14, 14)
    for x, y, width, colour in LINES:
        if colour:
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRectF(x - 6, y - 7, width + 12, LINE_HEIGHT + 14), 6, 6)
        painter.setBrush(QColor(INK))
        painter.drawRoundedRect(QRectF(x, y, width, LINE_HEIGHT), 6, 6)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")


def svg_text() -> str:
    shapes = [
        f'<rect x="8" y="8" width="240" height="240" rx="44" fill="{BACKGROUND}"/>',
        f'<rect x="44" y="36" width="168" height="184" rx="14" fill="{PAGE}"/>',
    ]
    for x, y, width, colour in LINES:
        if colour:
            shapes.append(f'<rect x="{x - 6}" y="{y - 7}" width="{width + 12}" height="{LINE_HEIGHT + 14}" '
                          f'rx="6" fill="{colour}"/>')
        shapes.append(f'<rect x="{x}" y="{y}" width="{width}" height="{LINE_HEIGHT}" rx="6" fill="{INK}"/>')
    body = "\n  ".join(shapes)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
            f'viewBox="0 0 {SIZE} {SIZE}">\n  <title>Annotator</title>\n  {body}\n</svg>\n')


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QImage text/fonts need an app
    draw_png(RESOURCES / "icon.png")
    (RESOURCES / "icon.svg").write_text(svg_text(), encoding="utf-8")
    print(f"wrote {RESOURCES / 'icon.png'} and {RESOURCES / 'icon.svg'}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
