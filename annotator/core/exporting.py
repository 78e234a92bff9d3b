"""Export a project's annotations or documents as CSV for analysis elsewhere.

Two variants of the same columns:

* research (default): RFC 4180 CSV in UTF-8 without a byte-order mark. Values are
  exact, so for every span annotation ``text == document_text[start:end]``.
* Excel (``excel=True``): the same, plus a UTF-8 byte-order mark so Excel shows
  Korean and other non-Latin text, and every text cell that starts with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe so
  Excel shows it as text instead of running it as a formula. Use this variant
  only for viewing in a spreadsheet: its text cells are no longer exact.

Format (both variants): comma separated, a header row, fields quoted with ``"``
only when they contain a comma, quote or line break, quotes doubled inside
quoted fields, records separated by CRLF, line breaks inside a field kept as
they are in the document. Empty cells mean "no value".

Annotation file columns (one row per annotation, ordered by document, then
document-level rows, then spans in reading order):

annotation_id   Stable id of the annotation within the project.
document_id     Id of the document (joins with document_id in the documents file).
document_title  The document's title at export time.
layer           Codebook layer: entity, claim or stance.
label           Label name from the codebook, e.g. Person, Claim, Favor.
start           Span start, counted in Unicode code points from 0. Empty for a
                document-level annotation.
end             Span end, exclusive, in code points. Empty for a document-level
                annotation.
text            The annotated text, exactly document_text[start:end]. Empty for
                a document-level annotation.
target          Stance target (who or what the stance is about); empty otherwise.
note            The analyst's free-text note; may contain line breaks.
annotator       Login name of the person who made the annotation.
created_at      When it was made, ISO 8601 in UTC (e.g. 2024-05-01T09:30:00+00:00).
updated_at      When its label, target or note last changed, ISO 8601 in UTC.

Document file columns (one row per document, ordered by document_id):

document_id     Id of the document.
title           Title (editable in the app).
source          Where the text came from, usually the imported file's path.
sha256          SHA-256 of the text encoded as UTF-8, to spot duplicates.
imported_at     When it was imported, ISO 8601 in UTC.
text            The full document text that the offsets count into.
status          Coding progress: todo, in_progress or done.

See docs/csv-format.md for reading these files in pandas, R, Excel and SPSS.
"""

from __future__ import annotations

import csv
import errno
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ProjectError

ANNOTATION_COLUMNS = [
    "annotation_id", "document_id", "document_title", "layer", "label", "start", "end",
    "text", "target", "note", "annotator", "created_at", "updated_at",
]
DOCUMENT_COLUMNS = ["document_id", "title", "source", "sha256", "imported_at", "text", "status"]

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula
# (tab and CR are included because some spreadsheets strip them and then see "=").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_annotations(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write every annotation to `out` as CSV; return the number of rows written."""
    out = _check_target(project, out)
    # Titles and labels are small; loading them up front keeps the annotation cursor
    # the only open query while rows stream out.
    titles = {summary.id: summary.title for summary in project.documents.summaries()}
    labels = {label.id: label for label in project.codebook.labels()}

    def rows() -> Iterator[tuple[Any, ...]]:
        for ann_id, doc_id, label_id, *rest in project.annotations.iter_rows():
            label = labels[label_id]
            yield (ann_id, doc_id, titles.get(doc_id, ""), label.layer, label.name, *rest[:8])

    return write_csv(out, ANNOTATION_COLUMNS, rows(), excel=excel)


def export_documents(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write every document (with its full text) to `out` as CSV; return the row count."""
    out = _check_target(project, out)

    def rows() -> Iterator[list[Any]]:
        # One document at a time: texts can be large and there may be thousands.
        for doc_id in project.documents.ids():
            d = project.documents.get(doc_id)
            yield [d.id, d.title, d.source, d.sha256, d.imported_at, d.text, d.status]

    return write_csv(out, DOCUMENT_COLUMNS, rows(), excel=excel)


def write_csv(
    out: str | os.PathLike, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False
) -> int:
    """Stream `rows` under a header to `out`, replacing it only once everything is written.

    None becomes an empty cell. The file appears at `out` whole or not at all: rows go
    to a temporary file beside it, which is renamed over `out` at the end and removed
    if anything fails.
    """
    out = Path(out)
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a folder, not a file; choose a file name", str(out))
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    count = 0
    try:
        # Mode "x" creates with the usual permissions (umask), unlike mkstemp's 0600,
        # so the exported file can be shared like any other the user saves.
        with open(tmp, "x", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            writer = csv.writer(f, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(columns)
            counted = _counting(rows)
            writer.writerows(([_excel_cell(v) for v in row] for row in counted) if excel else counted)
            count = counted.count
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        # The temporary name means nothing to the user; report the file they asked for.
        if isinstance(exc, OSError) and exc.filename == str(tmp):
            exc.filename, exc.filename2 = str(out), None
        raise
    return count


class _counting:
    """Passes rows through and counts them, so writerows can stream in C."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self._rows)
        self.count += 1
        return row


def _excel_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _check_target(project: Any, out: str | os.PathLike) -> Path:
    out = Path(out)
    # A slip in a file dialog or a command line must never turn the project into a CSV.
    project_file = Path(project.path).resolve()
    guarded = {project_file, *(project_file.with_name(project_file.name + s) for s in ("-wal", "-shm"))}
    if out.resolve() in guarded:
        raise ProjectError(f"{out} is the project file itself; choose another name for the export.")
    return out
