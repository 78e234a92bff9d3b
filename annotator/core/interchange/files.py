"""Writing an export file: whole or not at all, and as CSV in the research or Excel variant.

exporting.py describes the CSV format and its two variants; every export (CSV, matrix,
coding table, JSON) writes its file through atomic_output, and the CSV ones through
write_csv, so a failed or cancelled export never leaves a half-written file behind.
Every exporter imports what it uses from here: check_target first, then these writers.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from annotator.core.common.errors import ProjectError
from annotator.core.common.partial_files import atomic_output
from annotator.core.common.protocols import ProjectLike

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula
# (tab and CR are included because some spreadsheets strip them and then see "=").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# export_formats sets this around a write to see or cut short the rows as they stream
# out: the export dialog's preview needs only the first rows, and a long export reports
# progress (and can be cancelled) without every exporter taking a callback.
ROW_FILTER: ContextVar[Callable[[Iterable[Any]], Iterable[Any]] | None] = ContextVar("ROW_FILTER", default=None)

# Whose codes an export writes: the coders' ids (export() sets it from --coder or --gold), or
# None for everyone's. Every exporter reads codes through coders_sql() or is_exported(), so one
# choice reaches every format the same way.
CODERS: ContextVar[tuple[int, ...] | None] = ContextVar("CODERS", default=None)


def coders_sql(column: str = "a.coder_id") -> str:
    """" AND column IN (...)" keeping a query to the export's coders, or "" when it writes everyone's."""
    chosen = CODERS.get()
    return "" if chosen is None else f" AND {column} IN ({', '.join(str(int(i)) for i in chosen)})"


def is_exported(coder_id: int | None) -> bool:
    chosen = CODERS.get()
    return chosen is None or coder_id in chosen


def chosen_coders(project: ProjectLike, *, coder: str | None = None, gold: bool = False) -> tuple[int, ...] | None:
    """The coder ids an export is kept to: one coder's (by name), the gold layer's, or None for everyone's."""
    if coder is not None and gold:
        raise ProjectError("Export either one coder's codes (--coder) or the adjudicated ones (--gold), not both.")
    if gold:
        found = project.coders.gold()
        if found is None:
            raise ProjectError("Nothing has been adjudicated in this project yet, so there is no gold layer to "
                               "export; take codes into gold first (`annotator adjudicate`), or export without --gold.")
        return (found.id,)
    return None if coder is None else (project.coders.named(coder).id,)


def write_csv(
    out: str | os.PathLike, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False,
    inert: bool = False,
) -> int:
    """Stream `rows` under a header to `out`, replacing it only once everything is written.

    None becomes an empty cell. The file appears at `out` whole or not at all: rows go
    to a temporary file beside it, which is renamed over `out` at the end and removed
    if anything fails. inert says the rows' text cells are already made safe for Excel
    (as annotations_sql does), so the Excel variant need not test each cell again.
    """
    with atomic_output(Path(out), encoding="utf-8-sig" if excel else "utf-8") as f:
        writer = csv.writer(f, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        # Headers too: the matrix names a column after each label, and a label may be called "=HYPERLINK(…)".
        writer.writerow([excel_cell(c) for c in columns] if excel else columns)
        row_filter = ROW_FILTER.get()
        counted = _Counted(rows if row_filter is None else row_filter(rows))
        writer.writerows(([excel_cell(v) for v in row] for row in counted) if excel and not inert else counted)
    return counted.count


def write_csv_bytes(out: str | os.PathLike, columns: Sequence[str], write_rows: Callable[[Any], int], *,
                    excel: bool = False) -> int:
    """Like write_csv, for rows already encoded: write_rows(binary file) writes them as UTF-8 CSV bytes
    after the header and returns their count. The Excel variant's byte-order mark and header are
    written here, exactly as write_csv writes them.
    """
    header = io.StringIO(newline="")
    csv.writer(header, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(
        [excel_cell(c) for c in columns] if excel else columns)
    with atomic_output(Path(out), encoding=None) as f:
        f.write(("\ufeff" if excel else "").encode("utf-8") + header.getvalue().encode("utf-8"))
        return write_rows(f)


class _Counted:
    """Passes rows through and counts them without a Python call per row, so writerows streams in C."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        # zip draws a number before each row: once the rows run out it has drawn one more than it passed on.
        self._numbers = itertools.count()
        self._rows = map(operator.itemgetter(1), zip(self._numbers, rows))

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return self._rows

    @functools.cached_property
    def count(self) -> int:
        """How many rows went through; read it once they have all gone."""
        return next(self._numbers) - 1


def excel_cell(value: Any) -> Any:
    """The Excel variant's cell: text starting with one of FORMULA_STARTS gets a leading apostrophe."""
    if type(value) is str and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def streamed(conn: Any, sql: str, params: Any = ()) -> Iterable[tuple]:
    """The rows of a big SELECT (every document's text) as they come: sqlite3's cursor streams by itself; a
    shared project's connection reads them through a server-side cursor (PgConnection.stream)."""
    stream = getattr(conn, "stream", None)
    return stream(sql, params) if stream is not None else conn.execute(sql, params)


def check_target(project: ProjectLike, out: str | os.PathLike) -> Path:
    """`out` as a Path, once it is known not to be the project's own database (or its -wal/-shm)."""
    out = Path(out)
    if getattr(project.store, "engine", "sqlite") != "sqlite":
        return out  # a shared project lives on its server: no file here to guard
    # A slip in a file dialog or a command line must never turn the project into a CSV.
    project_file = Path(project.path).resolve()
    guarded = {project_file, *(project_file.with_name(project_file.name + s) for s in ("-wal", "-shm"))}
    if out.resolve() in guarded:
        raise ProjectError(f"{out} is the project file itself; choose another name for the export.")
    return out
