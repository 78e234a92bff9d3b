"""A chart computed on a worker that the analyst can stop: Cancel interrupts the query under way.

A chart's numbers are a handful of GROUP BY queries; on a million annotations one takes
seconds, so stopping between queries would not answer Cancel. A watcher thread asks
keep_going() ten times a second and, when it turns False, interrupts the statement the
worker's connection is running (sqlite3's interrupt and the PostgreSQL connection's cancel
are both safe from another thread). The connection stays usable; the chart raises
ChartCancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from annotator.core.charts.data import ChartOptions, chart_data
from annotator.core.charts.filters import ChartFilter
from annotator.core.charts.table import ChartData
from annotator.core.common.protocols import ProjectLike

POLL_SECONDS = 0.1


class ChartCancelled(Exception):
    """The analyst stopped the chart before its numbers were counted."""


def chart_data_until(project: ProjectLike, kind: str, flt: ChartFilter, options: ChartOptions,
                     keep_going: Callable[[], bool]) -> ChartData:
    """chart_data, stopped with ChartCancelled as soon as keep_going() is False; run it on a worker's project."""
    if not keep_going():
        raise ChartCancelled
    finished, stopped = threading.Event(), threading.Event()

    def watch() -> None:
        while not finished.wait(POLL_SECONDS):
            if not keep_going():
                stopped.set()
                project.store.conn.interrupt()
                return

    watcher = threading.Thread(target=watch, name="chart-cancel", daemon=True)
    watcher.start()
    try:
        data = chart_data(project, kind, flt, options)
    except Exception:
        if stopped.is_set():  # the interrupted statement's error (its type differs by engine)
            raise ChartCancelled from None
        raise
    finally:
        finished.set()
        watcher.join()
    if stopped.is_set() or not keep_going():  # Cancel pressed as the last query ended: the analyst said stop
        raise ChartCancelled
    return data
