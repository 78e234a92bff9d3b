"""One document's span annotations read a range at a time, for views that show a part of it.

A document may carry a million spans; reading them all before its first screen is
painted took seconds and hundreds of megabytes (issue 12, item 15). A view asks
for the spans over the part it shows (`overlapping`), for a page of rows in
reading order (`page`), or for an annotation's place among them (`rank`); every
answer costs the size of what it returns, not of the document.

StoredSpans reads them from the project file; ListedSpans serves a list already in
memory (tests, and callers that hold the rows) through the same questions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

from annotator.core.store.database import Store

# Spans longer than this (code points) are rare; they are read once and kept, so that a
# range query never scans further back than this from the range's start.
LONG_SPAN = 4096

_SPAN = "id, label_id, span_start, span_end, cue_start, cue_end, coder_id"
_WHERE = "document_id = ? AND span_start IS NOT NULL"
_ORDER = "ORDER BY span_start, span_end DESC, id"
_BACKWARDS = "ORDER BY span_start DESC, span_end, id DESC"
Key = tuple  # (start, -end, id): reading order, an outer span before the one nested in it


class SpanRow(NamedTuple):
    """A span annotation's place and label: enough to draw and list thousands at once (get(id) has the rest)."""

    id: int
    label_id: int
    start: int
    end: int
    cue_start: int | None = None
    cue_end: int | None = None
    coder_id: int | None = None  # whose it is: views showing several coders tell them apart by it
    is_document_level = False  # not a field: a SpanRow always has a span


def coder_clause(coder_ids: tuple[int, ...] | None, column: str = "coder_id") -> str:
    """The SQL that keeps only these coders' rows (parameters: the ids), "" for every coder."""
    if coder_ids is None:
        return ""
    return f" AND {column} IN ({', '.join('?' * len(coder_ids))})" if coder_ids else " AND FALSE"


def key_of(row: SpanRow) -> Key:
    return row.start, -row.end, row.id


class StoredSpans:
    """A document's spans in the project file, answered by the (document, start, end) index.

    coder_ids, when given, keeps only those coders' spans (blind coding shows one coder's)."""

    def __init__(self, store: Store, doc_id: int, coder_ids: Iterable[int] | None = None):
        self._store, self.doc_id = store, doc_id
        self._long: list[SpanRow] | None = None  # the spans longer than LONG_SPAN, read at the first need
        self.coder_ids = None if coder_ids is None else tuple(coder_ids)
        self._where = _WHERE + coder_clause(self.coder_ids)
        self._params = (doc_id, *(self.coder_ids or ()))

    def _rows(self, sql: str, params: tuple) -> list[SpanRow]:
        return list(map(SpanRow._make, self._store.conn.execute(sql, params)))

    def count(self, at_most: int | None = None) -> int:
        """How many spans the document has (counting stops at `at_most`)."""
        limit = "" if at_most is None else f" LIMIT {int(at_most)}"
        return self._store.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM annotations WHERE {self._where}{limit}) AS shown", self._params).fetchone()[0]

    def overlapping(self, begin: int, end: int) -> list[SpanRow]:
        """Spans sharing at least one code point with [begin, end), in reading order."""
        low = begin - LONG_SPAN
        found = self._rows(
            f"SELECT {_SPAN} FROM annotations WHERE {self._where} AND span_start >= ? AND span_start < ? "
            f"AND span_end > ? {_ORDER}", (*self._params, low, max(end, begin + 1), begin))
        if low <= 0:
            return found
        # Short spans cannot reach back further than LONG_SPAN; the long ones that start earlier are kept aside.
        if self._long is None:
            self._long = self._rows(f"SELECT {_SPAN} FROM annotations WHERE {self._where} AND span_end - span_start > ? "
                                    f"{_ORDER}", (*self._params, LONG_SPAN))
        return [s for s in self._long if s.start < low and s.end > begin] + found

    def changed(self, annotation_id: int, row=None) -> None:
        """A span was added, moved or removed (row None): the long ones are read again when next needed."""
        self._long = None

    def find(self, annotation_id: int) -> SpanRow | None:
        rows = self._rows(f"SELECT {_SPAN} FROM annotations WHERE id = ? AND {self._where}", (annotation_id, *self._params))
        return rows[0] if rows else None

    def page(self, offset: int, limit: int) -> list[SpanRow]:
        """Rows offset..offset+limit-1 in reading order (a walk of the index up to them, no sort)."""
        return self._rows(f"SELECT {_SPAN} FROM annotations WHERE {self._where} {_ORDER} LIMIT ? OFFSET ?",
                          (*self._params, limit, offset))

    def rank(self, row: SpanRow) -> int:
        """How many spans come before this one in reading order: its row in a list of them."""
        return self._store.conn.execute(
            f"SELECT count(*) FROM annotations WHERE {self._where} AND span_start <= ? AND "
            "(span_start < ? OR span_end > ? OR (span_end = ? AND id < ?))",
            (*self._params, row.start, row.start, row.end, row.end, row.id)).fetchone()[0]

    def after(self, key: Key | None, step: int) -> SpanRow | None:
        """The first span after `key` in reading order (step 1) or the last before it (step -1); None past an end.
        key None: the first or the last span."""
        if key is None:
            rows = self._rows(f"SELECT {_SPAN} FROM annotations WHERE {self._where} "
                              f"{_ORDER if step > 0 else _BACKWARDS} LIMIT 1", self._params)
        else:
            start, end, ident = key[0], -key[1], key[2]
            if step > 0:
                where = "span_start >= ? AND (span_start > ? OR span_end < ? OR (span_end = ? AND id > ?))"
                order = _ORDER
            else:
                where = "span_start <= ? AND (span_start < ? OR span_end > ? OR (span_end = ? AND id < ?))"
                order = _BACKWARDS
            rows = self._rows(f"SELECT {_SPAN} FROM annotations WHERE {self._where} AND {where} {order} LIMIT 1",
                              (*self._params, start, start, end, end, ident))
        return rows[0] if rows else None


class ListedSpans:
    """The same questions over spans already in memory (Annotation records or SpanRows)."""

    def __init__(self, annotations: Iterable):
        rows = [a for a in annotations if a.start is not None]  # whole-document ones have no span
        rows.sort(key=key_of)
        self._rows_in_order, self._keys = rows, [key_of(a) for a in rows]

    def count(self, at_most: int | None = None) -> int:
        return len(self._rows_in_order) if at_most is None else min(at_most, len(self._rows_in_order))

    def overlapping(self, begin: int, end: int) -> list:
        last = bisect_left(self._keys, (max(end, begin + 1),))
        return [a for a in self._rows_in_order[:last] if a.end > begin]

    def changed(self, annotation_id: int, row=None) -> None:
        at = next((i for i, a in enumerate(self._rows_in_order) if a.id == annotation_id), None)
        if at is not None:
            del self._rows_in_order[at], self._keys[at]
        if row is not None and row.start is not None:
            i = bisect_left(self._keys, key_of(row))
            self._rows_in_order.insert(i, row)
            self._keys.insert(i, key_of(row))

    def find(self, annotation_id: int):
        return next((a for a in self._rows_in_order if a.id == annotation_id), None)

    def page(self, offset: int, limit: int) -> list:
        return self._rows_in_order[offset:offset + limit]

    def rank(self, row) -> int:
        return bisect_left(self._keys, key_of(row))

    def after(self, key: Key | None, step: int):
        if not self._rows_in_order:
            return None
        if key is None:
            return self._rows_in_order[0 if step > 0 else -1]
        i = bisect_left(self._keys, key)
        if step > 0:
            i += i < len(self._keys) and self._keys[i] == key
            return self._rows_in_order[i] if i < len(self._rows_in_order) else None
        return self._rows_in_order[i - 1] if i > 0 else None
