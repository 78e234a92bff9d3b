"""What the window does with a read that found a shared project's server away.

The status bar's label already says the server is unreachable (live.py), so a click that
reads (another document, another annotation) says so once in the status bar, not in a
dialog per click, and leaves the view showing what it showed: the same click works again
once the server is back, as the store's next read opens a new session by itself
(PgConnection.on_lost, annotator/core/store/pg/connection.py).
"""

from __future__ import annotations

from annotator.ui.common.errors import server_away

__all__ = ["NOT_DONE", "keep_document", "server_away"]

NOT_DONE = ("The shared project's server cannot be reached, so that was not done and nothing was changed; "
            "the window keeps showing what it showed. Do it again once the server is back (the status bar "
            "says when).")


def keep_document(window) -> None:
    """Opening another document failed: the list goes back to the one the reader still shows, so the next click
    on the other is a click again (a row already selected does not open anything)."""
    window.show_status(NOT_DONE, 10000)
    proxy, shown = window.doc_filter.proxy, window.current_doc_id
    row = proxy.row_of(shown) if shown is not None else -1
    if row >= 0:
        window.doc_view.selectRow(row)
    else:
        window.doc_view.clearSelection()
        window.doc_view.setCurrentIndex(proxy.index(-1, 0))
