"""The windows a menu opens (annotation table, memo search, adjudication, agreement, charts, team files,
preferences).

Each is imported when first asked for, never at start-up: the window starts without their
modules, and the dashboard without matplotlib. They reach the main window through the
Workbench it is, and through the document list's query when they offer "the documents the
list shows".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def open_annotation_table(window: MainWindow) -> None:
    from annotator.ui.coding.annotation_table import open_annotation_table as open_table

    open_table(window)


def open_preferences(window: MainWindow) -> None:
    from annotator.ui.preferences_dialog import open_preferences as open_dialog

    open_dialog(window)


def open_backups(window: MainWindow) -> None:
    from annotator.ui.safety.backup_dialog import open_backup_dialog

    open_backup_dialog(window)


def open_memo_search(window: MainWindow) -> None:
    from annotator.ui.search.memo_search import open_memo_search as open_search

    # An entity memo has no place in the reader: the registry beside it picks the entity out.
    open_search(window, show_entity=window.show_entity)


def open_adjudicate(window: MainWindow) -> None:
    from annotator.ui.team.adjudicate import open_adjudicate as open_window

    open_window(window)


def open_agreement(window: MainWindow) -> None:
    from annotator.ui.team.agreement import open_agreement as open_window

    open_window(window, window.doc_model.query)


def open_charts(window: MainWindow) -> None:
    from annotator.ui.charts.dashboard import open_charts as open_window

    open_window(window, window.doc_model.query)


def hand_out(window: MainWindow) -> None:
    from annotator.ui.team.team_files import hand_out as hand

    hand(window, window.doc_model.query)


def merge_coders(window: MainWindow) -> None:
    from annotator.ui.team.team_files import merge_coders as merge

    merge(window)
