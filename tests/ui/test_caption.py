"""The annotation list's heading follows its count without laying the window out again (issue 17)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from annotator.ui.common.caption import Caption


class LayoutRequests(QObject):
    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802
        self.count += event.type() == QEvent.LayoutRequest
        return False


def test_a_new_count_repaints_the_caption_and_moves_nothing(qtbot):
    tabs = QTabWidget()  # as in the window: the caption sits on a side tab's page
    page = QWidget()
    caption = Caption("Annotations (9)", page)
    QVBoxLayout(page).addWidget(caption)
    tabs.addTab(page, "Annotations")
    qtbot.addWidget(tabs)
    tabs.resize(300, 200)
    tabs.show()
    qtbot.waitExposed(tabs)
    QApplication.processEvents()
    height = caption.height()
    requests = LayoutRequests(tabs)

    caption.setText("Annotations (10,000)")
    qtbot.wait(20)  # the event loop goes round: each layout up the chain asks the next one

    assert caption.text() == "Annotations (10,000)"
    assert requests.count == 0  # a QLabel here made the tab widget lay out and repaint whole
    assert caption.height() == height == caption.fontMetrics().height()
    assert caption.minimumSizeHint().width() == 0  # a long count never widens the side panel
