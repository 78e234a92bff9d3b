"""The Coders control: View › Coders and the status bar's coder button.

The status bar always says who is coding (the name in Preferences, or gold while the
adjudicated layer is shown and written). In a team it also says whose codes are shown,
and offers the choices View › Coders offers: my codes only, one other coder's, all
coders', or the adjudicated (gold) layer. With one coder neither the menu nor the choice
is there: the project looks as it always did.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QStatusBar, QToolButton

from annotator.ui.common.coder_view import ALL, GOLD, MINE, OTHER, CoderView


class CodersControl:
    """Built once with the window; shows the CoderView of whichever project is open."""

    def __init__(self, view_menu: QMenu, status_bar: QStatusBar):
        self.menu = QMenu("Co&ders", view_menu)
        self.menu.setObjectName("codersMenu")
        view_menu.addSeparator()
        self.menu_action = view_menu.addMenu(self.menu)
        self.menu.aboutToShow.connect(self._fill)
        self.button = QToolButton(status_bar)
        self.button.setObjectName("coderButton")
        self.button.setAutoRaise(True)
        self.button.setPopupMode(QToolButton.InstantPopup)
        # No taller than the status line's text: a taller bar takes height the side panels need.
        self.button.setMaximumHeight(status_bar.fontMetrics().height() + 2)
        status_bar.addPermanentWidget(self.button)
        self._view: CoderView | None = None

    def set_view(self, view: CoderView) -> None:
        self._view = view
        view.changed.connect(self.update)
        self.update()

    def update(self) -> None:
        view = self._view
        if view is None:
            return
        team = view.is_team()
        self.menu_action.setVisible(team)
        self.menu_action.setEnabled(team)
        caption = f"Coder: {view.writer()}"
        if team:
            caption += f" · showing {view.describe()}"
        self.button.setText(caption)
        self.button.setMenu(self.menu if team else None)
        self.button.setToolTip(("Whose codes are shown; the same choices are in View › Coders.\n"
                                + (view.legend() and f"Underlines: {view.legend()}")) if team
                               else "Your name on new annotations: Edit › Preferences.")

    def actions(self) -> list[QAction]:
        """The menu's choices as they are now (filled as the menu opens)."""
        self._fill()
        return [action for action in self.menu.actions() if not action.isSeparator()]

    def _fill(self) -> None:
        self.menu.clear()
        view = self._view
        if view is None:
            return
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        mode, other = view.mode, view.other

        def add(text: str, chosen: bool, slot) -> None:
            action = self.menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(chosen)
            action.triggered.connect(lambda _checked=False: slot())
            group.addAction(action)

        add("&My codes only (blind coding)", mode == MINE, lambda: view.choose(MINE))
        self.menu.addSeparator()
        for coder in view.others():
            add(f"{coder.name}'s codes (read-only)", other is not None and other.id == coder.id,
                lambda coder_id=coder.id: view.choose(OTHER, coder_id))
        self.menu.addSeparator()
        add("&All coders", mode == ALL, lambda: view.choose(ALL))
        add("Adjudicated (&gold): edits write as gold", mode == GOLD, lambda: view.choose(GOLD))
