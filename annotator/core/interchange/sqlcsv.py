"""The annotation CSV written by SQLite itself, a block of rows at a time.

Building a million CSV rows in Python costs a Python call per cell; here SQLite
formats each row with printf() and joins a block of rows with group_concat(), so
Python handles one bytes object per block, in C-speed bytes methods only.

The fields come out of SQLite separated by the byte 0xFF and each row ends in
0xFE. Neither byte occurs in UTF-8 text, so Python can find every field
that needs quoting (one holding a comma, a quote, CR or LF) with bytes.find, quote
it, and turn the separators into commas and CRLFs with bytes.translate and replace. The result is
byte for byte what csv.writer writes for the same rows (exporting.py's format);
tests/core/test_export_sqlcsv.py compares the two on hostile text.

A block whose text holds those bytes anyway (a database another program wrote
invalid UTF-8 into), or that SQLite cannot build, is written through csv.writer
instead, so the output stays exact whatever the text. Values of a type the app
never stores in these columns (a fraction or a blob a hand edit left) are written
as SQLite prints them, where csv.writer would print Python's spelling. Blocks follow the reading
order: ranges of document ids, a document with very many annotations split by
span start, each range scanned through the reading-order index, in whose order
group_concat joins the rows.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

_FIELD, _ROW = b"\xff", b"\xfe"
_TO_COMMAS = bytes.maketrans(_FIELD, b",")
_SPECIALS = (b",", b'"', b"\r", b"\n")
# SQLite 3.40 takes at most 127 arguments per function; wider rows are built by several printf calls.
_PRINTF_ARGS = 100
BLOCK_ROWS = 10_000
"""Rows SQLite joins into one block: big enough that per-block costs vanish, small enough to keep memory flat."""


READING_ORDER_INDEX = "idx_annotations_document_id_span_start_span_end"
"""The (document_id, span_start, span_end DESC) index: scanned in its order, rows come in reading order."""


def applies(conn: Any) -> bool:
    """False when the annotations' document ids are not all integers (a database no version of the
    app wrote) or the reading-order index is missing: csv.writer writes those rows instead."""
    if getattr(conn, "engine", "sqlite") != "sqlite":
        return False  # printf, INDEXED BY and blob blocks are SQLite's own; a server's rows go through csv.writer
    first, last = conn.execute("SELECT min(document_id), max(document_id) FROM annotations").fetchone()
    indexed = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = 'annotations' "
                           "AND name = ?", (READING_ORDER_INDEX,)).fetchone()
    return indexed is not None and (first is None or (type(first) is int and type(last) is int))


def write_blocks(conn: Any, f: BinaryIO, cells: list[str], joins_sql: str, order_sql: str, *, empty: int,
                 advance: Callable[[int], None] | None = None, where_sql: str = "") -> int:
    """Write every row of `SELECT cells FROM annotations a joins ORDER BY order` to `f` as CSV; return the count.

    `joins_sql` are the (LEFT) joins that keep `annotations a` the outer table, `order_sql`
    the reading order, READING_ORDER_INDEX's; `empty` empty cells end every row.
    advance(rows so far) runs after each block; where_sql (" AND ...") narrows the rows.
    Call only when applies(conn).
    """
    first, last = conn.execute("SELECT min(document_id), max(document_id) FROM annotations").fetchone()
    if first is None:
        return 0
    fields = len(cells) + empty
    # The separators sit in printf's format, a constant SQLite builds once: no row pays for a `||`.
    pieces = []
    for at in range(0, len(cells), _PRINTF_ARGS):
        group = cells[at:at + _PRINTF_ARGS]
        tail = _FIELD if at + _PRINTF_ARGS < len(cells) else _FIELD * empty + _ROW
        fmt = _FIELD.join([b"%s"] * len(group)) + tail
        pieces.append(f"printf(CAST(x'{fmt.hex()}' AS TEXT), {', '.join(group)})")
    # No ORDER BY and no subquery: an aggregate would read an ordered subquery through a co-routine,
    # copying every cell once more (a quarter of SQLite's time here). group_concat takes the rows in
    # the order the scan visits them, and a range scan of the forced index visits them in its order.
    block_sql = (f"SELECT CAST(group_concat({' || '.join(pieces)}, '') AS BLOB), count(*) "
                 f"FROM annotations a INDEXED BY {READING_ORDER_INDEX} {joins_sql} WHERE {{where}}{where_sql}")
    rows_sql = (f"SELECT {', '.join(cells)} FROM annotations a {joins_sql} WHERE {{where}}{where_sql} "
                f"ORDER BY {order_sql}")
    written = 0
    for where, params in _windows(conn, first, last, BLOCK_ROWS):
        try:
            block, count = conn.execute(block_sql.format(where=where), params).fetchone()
        except sqlite3.DataError:  # a block too big for one SQLite string: written row by row
            block, count = None, -1
        data = _finish(block, count, fields) if block is not None else None
        if data is None and count:
            data, count = _rows_block(conn.execute(rows_sql.format(where=where), params), empty)
        if count:
            f.write(data)
            written += count
            if advance is not None:
                advance(written)
    return written


def _finish(block: bytes, rows: int, fields: int) -> bytes | bytearray | None:
    """The block as CSV: fields that need it quoted, separators made commas and CRLFs; None if it cannot be."""
    if block.count(_FIELD) != rows * (fields - 1) or not block.endswith(_ROW):
        return None  # the text itself holds 0xFF
    quoted = _quote_fields(block)
    out = quoted.translate(_TO_COMMAS).replace(_ROW, b"\r\n")
    if len(out) - len(quoted) != rows:
        return None  # the text itself holds 0xFE
    return out


def _quote_fields(block: bytes) -> bytes | bytearray:
    """The block with every field that holds a comma, quote, CR or LF quoted, its quotes doubled."""
    present = [special for special in _SPECIALS if special in block]  # usually a comma only, in span texts
    if not present:
        return block
    find, rfind = block.find, block.rfind
    quoted = bytearray()  # grown in place: a block can hold thousands of fields to quote
    done = 0  # where the text not yet copied starts: 0 or a separator
    upcoming = {special: find(special) for special in present}
    while upcoming:
        at = min(upcoming.values())
        # The field around `at` runs from the separator before it (at or after `done`) to the one after.
        start = max(rfind(_FIELD, done, at), rfind(_ROW, done, at)) + 1
        end, row_end = find(_FIELD, at), find(_ROW, at)
        if end < 0 or row_end < end:
            end = row_end
        quoted += block[done:start]
        quoted += b'"'
        quoted += block[start:end].replace(b'"', b'""')
        quoted += b'"'
        done = end
        for special in [special for special, position in upcoming.items() if position < end]:
            position = find(special, end)
            if position < 0:
                del upcoming[special]
            else:
                upcoming[special] = position
    quoted += block[done:]
    return quoted


def _rows_block(rows: Iterator[tuple[Any, ...]], empty: int) -> tuple[bytes, int]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    count = 0
    padding = (None,) * empty
    for row in rows:
        writer.writerow(row + padding)
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def reading_order_windows(conn: Any) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(WHERE clause on `annotations a`, parameters) for consecutive pieces of the reading order, about
    BLOCK_ROWS annotations each: a shared project's export reads one piece at a time."""
    first, last = conn.execute("SELECT min(document_id), max(document_id) FROM annotations").fetchone()
    if first is not None:
        yield from _windows(conn, first, last, BLOCK_ROWS)


def _windows(conn: Any, first: int, last: int, block_rows: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(WHERE clause, parameters) for consecutive ranges of the reading order, about block_rows rows each."""
    width, low = last - first + 1, first  # a small project is one block
    while low <= last:
        (count,) = conn.execute("SELECT count(*) FROM annotations WHERE document_id >= ? AND document_id < ?",
                                (low, low + width)).fetchone()
        if count > 2 * block_rows and width > 1:
            width = max(1, width * block_rows // count)  # narrower, and counted again
            continue
        if count > 2 * block_rows:  # one document with very many annotations: split it by span start
            yield from _document_windows(conn, low, block_rows)
        elif count:
            yield "a.document_id >= ? AND a.document_id < ?", (low, low + width)
        low += width
        # Aim the next range at block_rows from the density just seen, growing at most twofold.
        width = max(1, min(width * 2, width * block_rows // max(count, 1)))


def _document_windows(conn: Any, document_id: int, block_rows: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    yield "a.document_id = ? AND a.span_start IS NULL", (document_id,)  # whole-document codes come first
    first, last = conn.execute("SELECT min(span_start), max(span_start) FROM annotations WHERE document_id = ?",
                               (document_id,)).fetchone()
    if first is None:
        return
    if type(first) is not int or type(last) is not int:  # not offsets the app wrote: one window for the rest
        yield "a.document_id = ? AND a.span_start IS NOT NULL", (document_id,)
        return
    width, low = last - first + 1, first
    while low <= last:
        (count,) = conn.execute("SELECT count(*) FROM annotations WHERE document_id = ? AND span_start >= ? "
                                "AND span_start < ?", (document_id, low, low + width)).fetchone()
        if count > 2 * block_rows and width > 1:
            width = max(1, width * block_rows // count)
            continue
        if count:
            yield "a.document_id = ? AND a.span_start >= ? AND a.span_start < ?", (document_id, low, low + width)
        low += width
        width = max(1, min(width * 2, width * block_rows // max(count, 1)))
