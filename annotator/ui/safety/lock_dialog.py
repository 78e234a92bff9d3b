"""One writer: what the analyst sees when another Annotator has the project open, and read-only mode.

The dialog names who holds the project (computer, since when, user, process) and
offers to read it alongside, or to cancel. "Take over" appears only for an old lock
from another computer, which nothing here can prove dead, and only after a warning.

A read-only window still reads, selects, searches and exports; everything that
would change the project is switched off or refused with the reason in the status
bar. The core refuses every write as well, so a control missed here still changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QWidget

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.lock import ProjectLocked
from annotator.ui.common.plain_text import as_text, plain_tip

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

OPEN_READ_ONLY = "Open read-only"
TAKE_OVER = "Take over…"
BADGE = "readOnlyBadge"
GUARD = "readOnlyGuard"
# Menu entries that change the project (as main_window spells them); undo and redo stay
# disabled by themselves, since a read-only project never puts anything on the undo stack.
EDITING_MENU_ITEMS = frozenset({
    "&Import documents…", "Import &folder…", "&Delete annotation", "Edit document &title", "&Codebook…",
    "Mark &done, go to next to do", "&Restore backup…",
})


def open_despite_lock(parent: QWidget | None, locked: ProjectLocked) -> Project | None:
    """Ask what to do about a project open elsewhere; the project opened as chosen, or None."""
    choice = ask(parent, locked)
    if choice is None:
        return None
    try:
        if choice == OPEN_READ_ONLY:
            return Project(locked.path, create=False, read_only=True)
        return Project(locked.path, create=False, take_over=True, check_later=True)  # checked once shown
    except ProjectError as exc:
        QMessageBox.warning(parent, "Cannot open project", as_text(str(exc)))
        return None


def ask(parent: QWidget | None, locked: ProjectLocked) -> str | None:
    """OPEN_READ_ONLY, TAKE_OVER (confirmed) or None for cancel."""
    holder = locked.holder
    box = QMessageBox(QMessageBox.Warning, "Project is open elsewhere", "", QMessageBox.NoButton, parent)
    box.setObjectName("projectLockedDialog")
    where = (f"on {holder.host} since {holder.since()} ({f'{holder.user}, ' if holder.user else ''}"
             f"process {holder.pid})") if holder else "in another Annotator"
    box.setText(as_text(f"‘{locked.path.name}’ is open in Annotator {where}."))
    info = ("Only one Annotator can change a project at a time, so that nobody's work is overwritten. "
            "You can open it read-only to read, search and export it; to code, close it there first.")
    if locked.can_take_over:
        info += (f"\n\nThe lock is from another computer and is old: if Annotator is no longer running on "
                 f"{holder.host if holder else 'that computer'}, you can take the project over.")
    box.setInformativeText(as_text(info))
    read_only = box.addButton(OPEN_READ_ONLY, QMessageBox.AcceptRole)
    take_over = box.addButton(TAKE_OVER, QMessageBox.DestructiveRole) if locked.can_take_over else None
    box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(read_only)
    box.exec()
    clicked = box.clickedButton()
    if clicked is read_only:
        return OPEN_READ_ONLY
    if take_over is not None and clicked is take_over and _confirm_take_over(parent, locked):
        return TAKE_OVER
    return None


def _confirm_take_over(parent: QWidget | None, locked: ProjectLocked) -> bool:
    host = locked.holder.host if locked.holder else "the other computer"
    box = QMessageBox(QMessageBox.Warning, "Take over the project?", "", QMessageBox.NoButton, parent)
    box.setObjectName("takeOverDialog")
    box.setText(as_text(f"Annotator cannot tell from here whether it is still running on {host}."))
    box.setInformativeText(as_text(
        f"If it is, and both of you change ‘{locked.path.name}’, one of you will lose work. Take over only if "
        f"you are sure Annotator is closed on {host} (for example, that computer crashed or was switched off)."
    ))
    confirm = box.addButton("Take over", QMessageBox.DestructiveRole)
    box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(QMessageBox.Cancel)
    box.exec()
    return box.clickedButton() is confirm


# -- read-only mode --------------------------------------------------------------


def show_mode(window: "MainWindow") -> None:
    """Make the window match its project: read-only, or editable again after a read-only one."""
    project = window.project
    read_only = project.read_only
    for action in _editing_actions(window):
        action.setEnabled(not read_only)
    for _label, action in window.reader.label_actions:
        action.setEnabled(not read_only)
    window.setAcceptDrops(not read_only)  # a drop imports
    badge = _badge(window)
    badge.setVisible(read_only)
    guard = window.findChild(QObject, GUARD)
    if guard is not None:
        guard.release()
    if not read_only:
        return
    reason = project.store.read_only_reason or ""
    badge.setToolTip(plain_tip(f"Nothing can be changed: {reason}"))
    window.setWindowTitle(f"{project.name} — Read-only — Annotator")
    window.statusBar().showMessage(f"Read-only: {reason}", 15000)
    message = f"Read-only, nothing can be changed: {reason}"
    refuse = lambda *args: window.statusBar().showMessage(message, 8000)  # noqa: E731
    # The reader's keys and drags would tag, delete or move spans: answer them with the reason.
    for signal, slot in ((window.reader.tagRequested, window.tag),
                         (window.reader.deleteRequested, window.delete_annotation),
                         (window.reader.spanAdjustRequested, window.adjust_span)):
        signal.disconnect(slot)
        signal.connect(refuse)
    window.doc_view.setEditTriggers(QAbstractItemView.NoEditTriggers)  # titles
    # Its widget classes load only for a read-only project (issue 17).
    from annotator.ui.safety.read_only_guard import EditGuard

    guard = EditGuard(window, [window.side_tabs, window.entities_panel], message,
                      allowed=[window.entities_panel.name_filter()], name=GUARD)
    QApplication.instance().installEventFilter(guard)


def _editing_actions(window: "MainWindow"):
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None:
            for action in menu.actions():
                if action.text() in EDITING_MENU_ITEMS:
                    yield action


def _badge(window: "MainWindow") -> QLabel:
    badge = window.statusBar().findChild(QLabel, BADGE)
    if badge is None:
        badge = QLabel("Read-only", window)
        badge.setObjectName(BADGE)
        badge.setStyleSheet("font-weight: bold; padding: 0 6px;")
        window.statusBar().addPermanentWidget(badge)
    return badge
