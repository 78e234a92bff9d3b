"""The first launch's window fits the screen it opens on, and later launches keep the analyst's size."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.ui.main_window import MainWindow


def _show(qtbot, path):
    window = MainWindow(Project(path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_first_launch_window_fits_a_small_screen(qtbot, seeded_path):
    window = _show(qtbot, seeded_path)
    area = window.screen().availableGeometry()
    assert area.width() < 1400  # the offscreen screen is smaller than the roomy default
    frame = window.frameGeometry()
    assert area.contains(frame), f"window {frame} runs off the screen {area}"
    assert window.width() >= 640 and window.height() >= 480
    window.close()


def test_a_resized_window_comes_back_at_its_size(qtbot, seeded_path):
    window = _show(qtbot, seeded_path)
    window.resize(700, 500)
    window.close()
    again = _show(qtbot, seeded_path)
    assert (again.width(), again.height()) == (700, 500)
    again.close()
