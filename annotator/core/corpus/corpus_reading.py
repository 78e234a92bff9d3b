"""Reading corpus files row by row, in bounded memory.

A corpus may be hundreds of megabytes, and one hostile (or broken) row may be
most of it. So the file is never held whole: it is decoded as a stream, and a
row is held only while it is within the size limit for one document. A row over
the limit is read past, not kept, and reported by its number; the rows around
it are read as usual.

Finding where an over-large CSV row ends needs the csv module's own idea of
quoting, not a guess. A second csv reader follows the file with every run of
ordinary characters squeezed to at most two (the first and the last, which
alone decide the parser's state), so it sees the record boundaries exactly while
holding almost nothing; the real reader parses only the records it passes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, UNKNOWN_ENCODING, size_text, stream_encoding

JSONL_SUFFIXES = (".jsonl", ".ndjson")
# The encoding is judged by the first megabyte; the reading checks the rest agrees.
_HEAD_BYTES = 1024 * 1024
# A line is read in pieces of this many characters, so an endless line is never held whole.
_PIECE = 1024 * 1024

# (row name, column -> value) for a row that was read; (row name, None) with the reason for one refused
Row = tuple[str, "dict[str, str] | None", str]


@dataclass(frozen=True)
class Layout:
    """How a corpus file is read: found once, then used by every pass over the file."""

    kind: str  # "csv" | "jsonl"
    codec: str
    encoding: str
    skip: int  # bytes of byte-order mark before the text
    delimiter: str | None


def layout_of(path: Path) -> Layout:
    """The file's kind, encoding and separator, from its first bytes; ImportRefused when it is no text."""
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD_BYTES + 1)
    except OSError as exc:
        raise ImportRefused(exc.strerror or str(exc)) from None
    codec, encoding, skip = stream_encoding(head[:_HEAD_BYTES], whole=len(head) <= _HEAD_BYTES)
    if path.suffix.lower() in JSONL_SUFFIXES:
        return Layout("jsonl", codec, encoding, skip, None)
    first_line = _first_line(head[skip:_HEAD_BYTES], codec)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max(",;\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","  # a single column: nothing to split on
    return Layout("csv", codec, encoding, skip, delimiter)


def read_rows(path: Path, layout: Layout, *, max_bytes: int = MAX_TEXT_BYTES) -> tuple[list[str], Iterator[Row]]:
    """(the columns, the rows): CSV columns come from the header; JSON Lines rows carry their own keys.

    A row larger than max_bytes comes as (name, None, reason). A problem with the
    file as a whole (a broken quote, a decoding error) raises ImportRefused.
    """
    # Articles run far past the csv module's default 128 KB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    stream = _open(path, layout)
    if layout.kind == "jsonl":
        return [], _jsonl_rows(stream, layout, max_bytes)
    records = _csv_records(stream, layout, max_bytes)
    try:
        header = next(records, None)
    except BaseException:
        stream.close()
        raise
    if header is None or header[1] is None:
        stream.close()
        raise ImportRefused("the first row is empty; it must name the columns (text, title, ...)"
                            if header is None else "the first row is larger than a document may be; "
                            "it must name the columns (text, title, ...)")
    cells = _parse_record(header[1], layout)
    if not any(cell.strip() for cell in cells):
        stream.close()
        raise ImportRefused("the first row is empty; it must name the columns (text, title, ...)")
    columns = _column_names(cells)
    return columns, _csv_rows(records, columns, layout, max_bytes, stream)


def _open(path: Path, layout: Layout) -> io.TextIOWrapper:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the row iterators when they finish
    except OSError as exc:
        raise ImportRefused(exc.strerror or str(exc)) from None
    raw.seek(layout.skip)
    # newline="": the csv module sees line ends as written and keeps the ones inside quoted fields.
    return io.TextIOWrapper(raw, encoding=layout.codec, errors="strict", newline="")


def _first_line(head: bytes, codec: str) -> str:
    text = head.decode(codec, errors="ignore")
    return text.split("\n", 1)[0]


def _lines(stream: io.TextIOWrapper, layout: Layout) -> Iterator[Iterator[str]]:
    """Each physical line as an iterator of its pieces (the last piece ends the line)."""
    while True:
        piece = _read_piece(stream, layout)
        if not piece:
            return
        yield _rest_of_line(stream, layout, piece)


def _rest_of_line(stream: io.TextIOWrapper, layout: Layout, piece: str) -> Iterator[str]:
    while True:
        yield piece
        if piece.endswith(("\n", "\r")):
            return
        piece = _read_piece(stream, layout)
        if not piece:
            return


def _read_piece(stream: io.TextIOWrapper, layout: Layout) -> str:
    try:
        return stream.readline(_PIECE)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{UNKNOWN_ENCODING.split(';')[0]}: the file reads as {layout.encoding} at first "
                            f"but not further on ({exc.reason}); save it as UTF-8 and import again") from None


def _csv_records(stream: io.TextIOWrapper, layout: Layout, max_bytes: int) -> Iterator[tuple[int, list[str] | None,
                                                                                                 int]]:
    """(first line, the record's lines or None when it is over max_bytes characters, its size) per CSV record."""
    held: list[str] = []
    state = {"size": 0, "over": False, "line": 0}

    def squeezed() -> Iterator[str]:
        for line in _lines(stream, layout):
            parts, kept = [], []
            for piece in line:
                state["size"] += len(piece)
                if not state["over"]:
                    if state["size"] > max_bytes:
                        state["over"] = True
                        held.clear()  # read past, never held: the row is refused by its number
                        kept.clear()
                    else:
                        kept.append(piece)
                parts.append(_squeeze(piece, layout.delimiter or ","))
            if not state["over"]:
                held.append("".join(kept))
            state["line"] += 1
            yield "".join(parts)

    # strict: an unclosed quote must refuse the file, not swallow every row after it.
    scout = csv.reader(squeezed(), delimiter=layout.delimiter or ",", quotechar='"', strict=True)
    start = 1
    while True:
        try:
            next(scout)
        except StopIteration:
            stream.close()
            return
        except csv.Error as exc:
            stream.close()
            raise ImportRefused(f"broken quoted field in the row starting on line {start} ({exc}); "
                                "check the quotes there and import again") from None
        except BaseException:
            stream.close()
            raise
        yield start, (None if state["over"] else list(held)), state["size"]
        held.clear()
        state.update(size=0, over=False)
        start = state["line"] + 1


_ORDINARY = re.compile(r'[^"\r\n]{3,}')


def _squeeze(piece: str, delimiter: str) -> str:
    """The piece as the csv parser's states see it: a run of ordinary characters kept by its ends.

    Inside a run only the first character (after a closing quote) and the last (before
    an opening quote or a line end) change the state; the ones between never do.
    """
    return _ORDINARY.sub(lambda m: _kind(m.group()[0], delimiter) + _kind(m.group()[-1], delimiter), piece)


def _kind(ch: str, delimiter: str) -> str:
    return delimiter if ch == delimiter else "x"


def _parse_record(lines: list[str], layout: Layout) -> list[str]:
    # The scout found exactly this record's lines, so the real parser reads exactly one record.
    cells = next(csv.reader(lines, delimiter=layout.delimiter or ",", quotechar='"', strict=True), [])
    return [cell.replace("\r\n", "\n").replace("\r", "\n") for cell in cells]


def _csv_rows(records, columns: list[str], layout: Layout, max_bytes: int, stream) -> Iterator[Row]:
    try:
        for number, (_start, lines, size) in enumerate(records, start=2):
            if lines is None:
                yield f"row {number}", None, too_large_row(size, max_bytes)
                continue
            cells = _parse_record(lines, layout)
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between records
            if len(cells) > len(columns):
                raise ImportRefused(f"row {number} has {len(cells)} fields but the header names {len(columns)} "
                                    "columns; quote fields that contain the separator and import again")
            cells += [""] * (len(columns) - len(cells))  # trailing empty cells are often left out
            yield f"row {number}", dict(zip(columns, cells)), ""
    finally:
        stream.close()


def _jsonl_rows(stream: io.TextIOWrapper, layout: Layout, max_bytes: int) -> Iterator[Row]:
    try:
        for number, line in enumerate(_lines(stream, layout), start=1):
            pieces, size = [], 0
            for piece in line:
                size += len(piece)
                if size <= max_bytes:
                    pieces.append(piece)
                elif pieces:
                    pieces.clear()  # read past, never held
            if size > max_bytes:
                yield f"line {number}", None, too_large_row(size, max_bytes)
                continue
            text = "".join(pieces)
            if not text.strip():
                continue
            if number == 1 and text.lstrip().startswith("["):
                raise ImportRefused("holds a JSON array, not one JSON object per line; "
                                    "write one article per line (JSON Lines) and import again")
            yield f"line {number}", _json_record(text, number), ""
    finally:
        stream.close()


def _json_record(line: str, number: int) -> dict[str, str]:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise ImportRefused(f"line {number} is not valid JSON ({exc}); fix or remove it and import again") from None
    if not isinstance(record, dict):
        raise ImportRefused(f"line {number} holds a JSON {type(record).__name__}, not an object; "
                            'write each article as {"text": ..., "title": ...} and import again')
    return {" ".join(str(key).split()) or "(no name)": _json_value(value) for key, value in record.items()}


def _json_value(value: object) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    # Numbers, true/false, lists and objects as JSON, so nothing is lost or reformatted.
    return json.dumps(value, ensure_ascii=False)


def _column_names(cells: list[str]) -> list[str]:
    """Header cells as column names: blanks get a position name, repeats a number."""
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(cell.split()) or f"column {position}"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.append(name)
    return names


def too_large_row(size: int, max_bytes: int) -> str:
    return (f"larger than one document may be ({size_text(size)}; the limit is {size_text(max_bytes)} of text); "
            "shorten or split it and import again")
