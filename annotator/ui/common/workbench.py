"""What a feature of the window may use: the workbench, and the Feature base it attaches.

A feature (a panel, a tool window, a dialog) reaches the main window only through
Workbench: the open project, its undoable operations, whose codes are shown, `reveal` to show
a place in a document, `show_status`, `tool_window` for the one live instance of a tool window,
and the document shown (`current_doc_id`, `documentShown`) for a tool that follows it.
It never probes the window for attributes, and never stores itself on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.ui.actions.operations import Operations
    from annotator.ui.common.coder_view import CoderView

W = TypeVar("W", bound=QWidget)


class Workbench(Protocol):
    """The main window as its features see it."""

    project: Project | None
    ops: Operations
    coder_view: CoderView  # whose codes the views show (the Coders control's choice)
    current_doc_id: int | None  # the document the reader shows
    documentShown: SignalInstance  # emitted with that document's id (None: no document) when it changes

    def reveal(self, document_id: int, *, span: tuple[int, int] | None = None,
               annotation_id: int | None = None, memo: bool = False) -> bool:
        """Open the document and show the place: a span selected (code points), an annotation
        selected and flashed, or the document's memo field. False, after one message saying so,
        when the document or annotation was deleted meanwhile; the window is then left as it was."""

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        """A line in the status bar; 0 keeps it until the next message."""

    def tool_window(self, key: str, factory: Callable[[], W] | None = None) -> W | None:
        """The live tool window under key, built by factory when there is none (None: only look)."""


class Feature:
    """A part of the window that works on the open project.

    The window attaches its features when a project opens and detaches them before it
    closes; a feature subscribes to the project in attach and lets go of it in detach.
    A mixin: Qt widgets inherit it beside their Qt class.
    """

    workbench: Workbench | None = None

    def attach(self, workbench: Workbench) -> None:
        self.workbench = workbench

    def detach(self) -> None:
        self.workbench = None


class ToolWindows:
    """The registry behind Workbench.tool_window: one live window per key.

    A window is forgotten when it is deleted (dialogs that delete themselves on close
    are forgotten as they close). When the project changes, each window that is a Feature
    is detached, closed and deleted: it reads the project that is going away. Other
    windows (a modal dialog that acts through the workbench, such as the backups, whose
    restore is itself a project change) stay until they close.
    """

    def __init__(self, workbench: Workbench):
        self._workbench = workbench
        self._windows: dict[str, QWidget] = {}

    def get(self, key: str, factory: Callable[[], W] | None = None) -> W | None:
        window = self._windows.get(key)
        if window is not None and not isValid(window):  # deleted before its destroyed signal was seen
            del self._windows[key]
            window = None
        if window is None and factory is not None:
            window = factory()
            self._windows[key] = window
            window.destroyed.connect(lambda _obj=None, key=key, window=window: self._forget(key, window))
            if isinstance(window, QDialog) and window.testAttribute(Qt.WA_DeleteOnClose):
                window.finished.connect(lambda _result, key=key, window=window: self._forget(key, window))
            if isinstance(window, Feature):
                window.attach(self._workbench)
        return window

    def _forget(self, key: str, window: QWidget) -> None:
        if self._windows.get(key) is window:
            del self._windows[key]

    def close_all(self) -> None:
        """The project is closing: every tool window that is a Feature lets go of it and goes."""
        for key, window in list(self._windows.items()):
            if not isValid(window):
                del self._windows[key]
            elif isinstance(window, Feature):
                del self._windows[key]
                window.detach()
                window.close()
                window.deleteLater()
