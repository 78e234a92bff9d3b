"""The side bar's Document tab: the document as a whole (status, stance, memo, duplicates) and its metadata.

Its panels are built the first time the tab is shown or a caller asks for one: the
window starts on the Annotations tab, and building them cost every launch ~10 ms
(issue 17). Until then there is nothing to keep up to date, and no memo can have been typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.ui.actions.operations import Operations
    from annotator.ui.coding.document_panel import DocumentPanel
    from annotator.ui.common.coder_view import CoderView
    from annotator.ui.corpus.document_info import DocumentInfoPanel


class DocumentTab(QScrollArea):
    def __init__(self, project: Project, ops: Operations, window: QWidget, coders: CoderView):
        super().__init__(window)
        self._project, self._ops, self._window, self._coders = project, ops, window, coders
        self._doc_id: int | None = None
        self._panel: DocumentPanel | None = None
        self._info: DocumentInfoPanel | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self._page = QWidget(self)
        QVBoxLayout(self._page).setContentsMargins(4, 4, 4, 4)
        self.setWidget(self._page)

    @property
    def built(self) -> bool:
        return self._panel is not None

    @property
    def panel(self) -> DocumentPanel:
        """Status, stance, memo and duplicate flags, built on first use."""
        self.build()
        return self._panel

    @property
    def info(self) -> DocumentInfoPanel:
        """Metadata, source and import details, built on first use."""
        self.build()
        return self._info

    def build(self) -> None:
        if self._panel is not None:
            return
        from annotator.ui.coding.document_panel import DocumentPanel
        from annotator.ui.corpus.document_info import DocumentInfoPanel

        self._panel = DocumentPanel(self._project, self._ops, self._window, workbench=self._window,
                                    coders=self._coders)
        self._info = DocumentInfoPanel(self._project, self._ops, self._window)
        layout = self._page.layout()
        layout.addWidget(self._panel)
        layout.addWidget(self._info)
        layout.addStretch(1)
        for panel in (self._panel, self._info):
            panel.set_document(self._doc_id)
            panel.show()  # a child added to a page already on screen starts hidden

    def set_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        if self._panel is not None:
            self._panel.set_document(doc_id)
            self._info.set_document(doc_id)

    def commit_memo(self) -> None:
        if self._panel is not None:  # not built: no memo was typed
            self._panel.commit_memo()

    def detach(self) -> None:
        if self._panel is not None:
            self._panel.detach()
            self._info.detach()
