"""Whose codes the window shows, and as whom it writes: the one place the views read it.

A project coded by a team shows, by default, only the current coder's codes (blind
coding: nobody else's codes are in sight while one codes). The Coders control switches
to one other coder's codes (to look at, not to edit), to every coder's (told apart by
the style of their underline), or to the adjudicated gold layer, in which every edit is
written as gold. A project with one coder is shown as it always was: every code, no
Coders control, nothing marked as anyone's.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Annotation, Coder
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind

MINE, OTHER, ALL, GOLD = "mine", "other", "all", "gold"
# How each coder's highlights are underlined in the all-coders view, in the order coders joined;
# where several coders' spans cover the same words the underline is a wave (see SpanHighlighter).
UNDERLINES = ("solid", "dashed", "dotted", "dash-dot", "dash-dot-dot")
OVERLAP = "wave"


class CoderView(QObject):
    """The Coders control's choice. `changed` fires when what is shown (or written as) changes."""

    changed = Signal()

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self._chosen: str | None = None  # None: the default (my codes once there is a team, else all)
        self._other: int | None = None  # the other coder shown, in OTHER mode
        self._shown = self._state()
        # Coders come and go with edits (the first edit of a new coder adds them, its undo takes them
        # away): what is shown is worked out again once the edit's other changes have been followed.
        self._recheck = QTimer(self, singleShot=True, interval=0)
        self._recheck.timeout.connect(self.refresh)
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._unsubscribe()
        self._recheck.stop()
        self._project.coders.writing_gold = False

    # -- reading ---------------------------------------------------------------------

    def is_team(self) -> bool:
        """Whether the project has more than one coder (or a gold layer): only then is the control shown."""
        coders = self._project.coders
        return coders.count() > 1 or coders.gold() is not None

    @property
    def mode(self) -> str:
        if self._chosen is not None:
            return self._chosen
        return MINE if self.is_team() else ALL

    @property
    def other(self) -> Coder | None:
        if self.mode != OTHER or self._other is None:
            return None
        try:
            return self._project.coders.get(self._other)
        except ProjectError:  # taken away by an undo meanwhile
            return None

    def others(self) -> list[Coder]:
        """The coders other than the person at the keyboard (the gold layer aside): whose codes may be looked at."""
        coders = self._project.coders
        me = coders.by_name(coders.person_name or "")
        return [coder for coder in coders.list() if me is None or coder.id != me.id]

    def coder_ids(self) -> tuple[int, ...] | None:
        """The coders whose codes are shown (ids), or None for every coder's."""
        coders, mode = self._project.coders, self.mode
        if mode == ALL:
            return None
        if mode == OTHER:
            return (self._other,) if self.other is not None else ()
        found = coders.gold() if mode == GOLD else coders.by_name(coders.person_name or "")
        if mode == MINE and found is not None and found.is_gold:
            found = None  # a person called like the gold layer has no codes of their own yet
        return (found.id,) if found is not None else ()

    def shows(self, annotation: Annotation | None) -> bool:
        ids = self.coder_ids()
        return annotation is not None and (ids is None or annotation.coder_id in ids)

    def writable(self, annotation: Annotation | None) -> bool:
        """Whether edits may change this annotation: in a team, only the writing coder's own (or gold's, as gold)."""
        if annotation is None or not self.is_team():
            return annotation is not None
        current = self._project.coders.current
        return current is not None and annotation.coder_id == current.id

    def refusal(self) -> str | None:
        """Why tagging is refused now (viewing another coder's codes), or None."""
        other = self.other
        if other is None:
            return None
        return (f"Showing {other.name}'s codes, which are theirs to change. Choose View › Coders › "
                "My codes only to code.")

    def owner(self, annotation: Annotation) -> str:
        """Whose annotation it is, as the views name it."""
        try:
            return self._project.coders.get(annotation.coder_id).name if annotation.coder_id is not None else ""
        except ProjectError:
            return ""

    def styles(self) -> dict[int, str] | None:
        """In the all-coders view of a team: each coder's underline (UNDERLINES), by coder id; else None."""
        if self.mode != ALL or not self.is_team():
            return None
        return {coder.id: UNDERLINES[i % len(UNDERLINES)]
                for i, coder in enumerate(self._project.coders.list(include_gold=True))}

    def writer(self) -> str:
        """Who edits are written as: the person, or the gold layer."""
        coders = self._project.coders
        return f"gold ({coders.person_name})" if coders.writing_gold else coders.person_name

    def describe(self) -> str:
        """What is shown, in words: the status bar's and the control's caption."""
        mode = self.mode
        if mode == MINE:
            return "my codes only"
        if mode == OTHER:
            other = self.other
            return f"{other.name}'s codes (read-only)" if other is not None else "nobody's codes"
        if mode == GOLD:
            return "the adjudicated (gold) codes"
        return "all coders"

    def legend(self) -> str:
        styles = self.styles()
        if not styles:
            return ""
        names = {coder.id: coder.name for coder in self._project.coders.list(include_gold=True)}
        return "; ".join(f"{names[i]}: {style}" for i, style in styles.items()) + f"; several coders: {OVERLAP}"

    # -- choosing ----------------------------------------------------------------------

    def choose(self, mode: str, coder_id: int | None = None) -> None:
        """Show my codes, one other coder's (coder_id), every coder's, or the gold layer (then edits write as gold)."""
        if mode not in (MINE, OTHER, ALL, GOLD):
            raise ValueError(mode)
        self._chosen, self._other = mode, coder_id if mode == OTHER else None
        self.refresh()

    def refresh(self) -> None:
        """Work out again what is shown (the coder's name changed, coders came or went); say if it changed."""
        self._project.coders.writing_gold = self.mode == GOLD
        state = self._state()
        if state != self._shown:
            self._shown = state
            self.changed.emit()

    def _state(self) -> tuple:
        return (self.mode, self.coder_ids(), self.styles(), self.is_team(), self.writer(),
                tuple(self._project.coders.list(include_gold=True)))

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODERS_CHANGED:
            self._recheck.start()
