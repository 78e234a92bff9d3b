"""Export a project as CSV for analysis elsewhere: annotations, documents, entities, memos.

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

docs/csv-format.md describes every column of the four files and how to read them
in pandas, R, Excel and SPSS; keep it in step with the column lists below.

Export reads the schema directly rather than going through the entity, attribute
and memo APIs: the file format follows the stored data, and streamed queries keep
a large export fast and its memory flat. The annotations file, the big one, is
formatted by SQLite itself a block of rows at a time (export_sqlcsv.py), to the
same bytes csv.writer writes.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from annotator.core.common.folding import fold
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.metadata import key_order
from annotator.core.interchange import sqlcsv as export_sqlcsv
from annotator.core.interchange.coder_scope import CoderScope, coder_scope
from annotator.core.interchange.files import (
    FORMULA_STARTS,
    ROW_FILTER,
    check_target,
    coders_sql,
    excel_cell,
    streamed,
    write_csv,
    write_csv_bytes,
)

ANNOTATION_COLUMNS = [
    "annotation_id", "document_id", "document_title", "layer", "label", "start", "end",
    "text", "target", "note", "annotator", "created_at", "updated_at",
    # Schema 2: the entity link, claim and stance roles, and the claim's attribution cue.
    "entity_id", "entity_name", "source", "source_entity_id", "holder", "holder_entity_id",
    "target_entity_id", "cue_start", "cue_end", "cue_text",
]
"""The fixed annotation columns; one ``attr_<name>`` column per codebook attribute follows."""
CODER_COLUMN = "coder"
"""Written after ``annotator`` when the file holds several coders' annotations (coder_scope)."""
DOCUMENT_COLUMNS = ["document_id", "title", "source", "sha256", "imported_at", "text", "status", "memo"]
ENTITY_COLUMNS = [
    "entity_id", "name", "type", "aliases", "external_id", "memo", "mention_count", "document_count",
    "created_at",
]
MEMO_COLUMNS = ["kind", "id", "document_id", "title_or_name", "memo"]
ALIAS_SEPARATOR = " | "
ATTRIBUTE_PREFIX = "attr_"

_BOOL_WORDS = {"yes": "yes", "true": "yes", "1": "yes", "on": "yes",
               "no": "no", "false": "no", "0": "no", "off": "no"}
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


class _Number(str):
    """A stored number such as "-3": written exactly, and never mistaken for a formula.

    Excel reads "-3" as the number it is, so the Excel variant leaves it alone
    instead of turning it into the text "'-3".
    """


# -- annotations ---------------------------------------------------------------------


def attribute_columns(project: ProjectLike) -> list[tuple[str, str]]:
    """(column, attribute name) for every attribute name in the codebook, in codebook order.

    Labels that share an attribute name (an "intensity" on Favor and on Against)
    share its column; like the codebook, this ignores case. Names become lowercase
    [a-z0-9_]; two names that come out the same get _2, _3... in the order they appear.
    """
    rows = project.store.conn.execute(
        "SELECT la.name FROM label_attributes la JOIN labels l ON l.id = la.label_id "
        "ORDER BY l.sort_order, l.id, la.sort_order, la.id"
    )
    columns: dict[str, tuple[str, str]] = {}  # folded name -> (column, name as first spelled)
    taken: set[str] = set()
    for (name,) in rows:
        if fold(name) in columns:
            continue
        base = ATTRIBUTE_PREFIX + _slug(name)
        column, n = base, 1
        while column in taken:
            n += 1
            column = f"{base}_{n}"
        columns[fold(name)] = (column, name)
        taken.add(column)
    return list(columns.values())


def annotation_columns(project: ProjectLike, coder: str | None = None) -> list[str]:
    """The header export_annotations writes for this project."""
    return _fixed_columns(coder_scope(project, coder)) + [column for column, _ in attribute_columns(project)]


def _fixed_columns(scope: CoderScope) -> list[str]:
    """ANNOTATION_COLUMNS, with CODER_COLUMN after annotator when several coders' annotations are written."""
    if not scope.split:
        return ANNOTATION_COLUMNS
    at = ANNOTATION_COLUMNS.index("annotator") + 1
    return [*ANNOTATION_COLUMNS[:at], CODER_COLUMN, *ANNOTATION_COLUMNS[at:]]


def export_annotations(project: ProjectLike, out: str | os.PathLike, *, excel: bool = False,
                       coder: str | None = None) -> int:
    """Write every annotation (or `coder`'s) to `out` as CSV; return the number of rows written.

    Reads only through project.store.conn, so a worker thread can pass a project
    whose store is its own connection.
    """
    out = check_target(project, out)
    conn = project.store.conn
    scope = coder_scope(project, coder)
    attr_columns = attribute_columns(project)
    cells = _annotation_cells(conn, attr_columns, excel, scope)
    # Attribute columns no annotation fills are left out of the query and added back in C: each column
    # a cursor returns costs the sqlite3 module a lock and a release of the GIL on every row.
    fixed = _fixed_columns(scope)
    empty = len(fixed) + len(attr_columns) - len(cells)
    kinds = dict(conn.execute("SELECT id, kind FROM label_attributes"))
    # Only cues, and attributes other than text or choices, call back into Python, once per
    # such cell; every other cell leaves the query as written, so no Python runs per row.
    cue = _CueText(conn, excel)
    conn.create_function(_CUE_FUNCTION, 3, cue)
    conn.create_function(_ATTRIBUTE_FUNCTION, 2, lambda attribute_id, value: _attribute_text(
        kinds.get(attribute_id, ""), value, excel), deterministic=True)
    columns = fixed + [c for c, _ in attr_columns]
    row_filter = ROW_FILTER.get()
    try:
        # SQLite builds the CSV itself, a block of rows at a time, unless something must see every
        # row (the preview's first rows): then csv.writer writes them, to the same bytes.
        advance = getattr(row_filter, "advance", None)
        if (row_filter is None or advance is not None) and export_sqlcsv.applies(conn):
            return write_csv_bytes(out, columns, lambda f: export_sqlcsv.write_blocks(
                conn, f, cells, _ANNOTATION_JOINS, _ANNOTATION_ORDER, empty=empty, advance=advance,
                where_sql=scope.where()), excel=excel)
        if getattr(conn, "engine", "sqlite") != "sqlite":
            rows = _called_back(_windowed_rows(project, conn, cells, scope.where()), cue, kinds, excel)
        else:
            rows = conn.execute(f"SELECT {', '.join(cells)} {_ANNOTATION_FROM_ONLY} WHERE 1 = 1{scope.where()} "
                                f"ORDER BY {_ANNOTATION_ORDER}")
        if empty:
            rows = map(operator.add, rows, itertools.repeat((None,) * empty))
        return write_csv(out, columns, rows, excel=excel, inert=excel)
    finally:
        cue.forget()  # the functions stay registered (Python 3.11 cannot remove one); the text need not


_CUE_FUNCTION, _ATTRIBUTE_FUNCTION = "annotator_export_cue", "annotator_export_attribute"


def _windowed_rows(project: ProjectLike, conn: Any, cells: list[str], where_sql: str) -> Iterator[tuple]:
    """A shared project's annotation rows, a piece of the reading order at a time, all as of one moment:
    its driver fetches a statement's rows whole, so one query would hold every annotation in memory."""
    sql = (f"SELECT {', '.join(cells)} {_ANNOTATION_FROM_ONLY} WHERE {{where}}{where_sql} "
           f"ORDER BY {_ANNOTATION_ORDER}")
    with project.store.snapshot():
        for where, params in export_sqlcsv.reading_order_windows(conn):
            yield from conn.execute(sql.format(where=where), params)


def _called_back(rows: Iterable[tuple], cue: _CueText, kinds: dict[int, str], excel: bool) -> Iterator[tuple]:
    """A shared project's rows with the Python-made cells filled in: the server cannot call back into
    Python, so it hands each such cell's arguments over as a record (_python_call) and they are made here."""
    for row in rows:
        if not any(type(cell) is tuple for cell in row):
            yield row
            continue
        cells = list(row)
        for at, cell in enumerate(cells):
            if type(cell) is not tuple:
                continue
            function, *args = cell
            if function == _CUE_FUNCTION:
                cells[at] = cue(int(args[0]), int(args[1]), int(args[2]))
            elif function == _ATTRIBUTE_FUNCTION:
                attribute_id, value = args
                cells[at] = _attribute_text(kinds.get(int(attribute_id), ""), value, excel)
            else:
                cells[at] = args[1]  # a plain value of a column that also has called-back cells
        yield tuple(cells)


def _python_call(conn: Any, function: str, *args: str) -> str:
    """SQL calling `function` (registered with create_function) on SQLite; on a shared project a record of
    its name and arguments, which _called_back turns into the cell."""
    if getattr(conn, "engine", "sqlite") == "sqlite":
        return f"{function}({', '.join(args)})"
    return f"ROW('{function}', {', '.join(f'({arg})::text' for arg in args)})"


def _entity_name(column: str) -> str:
    # Looked up only where a link is set: most rows link no entity in most roles.
    return f"CASE WHEN a.{column} IS NOT NULL THEN (SELECT name FROM entities WHERE id = a.{column}) END"


# One expression per ANNOTATION_COLUMNS entry, in that order, and whether it holds text Excel
# could run. `annotations` stays the outer table (its joins are LEFT), so the
# (document_id, span_start, span_end DESC) index serves the reading order with no sort step.
_ANNOTATION_CELLS: list[tuple[str, str, bool]] = [
    ("annotation_id", "a.id", False),
    ("document_id", "a.document_id", False),
    ("document_title", "d.title", True),
    ("layer", "l.layer", True),
    ("label", "l.name", True),
    ("start", "a.span_start", False),
    ("end", "a.span_end", False),
    ("text", "a.text", True),
    ("target", f"coalesce({_entity_name('target_entity_id')}, a.target)", True),
    ("note", "a.note", True),
    ("annotator", "a.annotator", True),
    ("created_at", "a.created_at", True),
    ("updated_at", "a.updated_at", True),
    ("entity_id", "a.entity_id", False),
    ("entity_name", _entity_name("entity_id"), True),
    ("source", f"coalesce({_entity_name('source_entity_id')}, a.source)", True),
    ("source_entity_id", "a.source_entity_id", False),
    ("holder", f"coalesce({_entity_name('holder_entity_id')}, a.holder)", True),
    ("holder_entity_id", "a.holder_entity_id", False),
    ("target_entity_id", "a.target_entity_id", False),
    ("cue_start", "a.cue_start", False),
    ("cue_end", "a.cue_end", False),
    # _CueText makes its own text inert for Excel, so the slice is made once per cue.
    ("cue_text", "CASE WHEN a.cue_start IS NOT NULL AND a.cue_end IS NOT NULL "
                 "THEN {cue} END", False),
]
_CODER_SQL = "(SELECT name FROM coders WHERE id = a.coder_id)"
_ANNOTATION_JOINS = "LEFT JOIN documents d ON d.id = a.document_id LEFT JOIN labels l ON l.id = a.label_id"
_ANNOTATION_FROM_ONLY = f"FROM annotations a {_ANNOTATION_JOINS}"
_ANNOTATION_ORDER = "a.document_id, a.span_start, a.span_end DESC, a.id"
# The text columns above only ever hold text or NULL (TEXT affinity), so the first code point decides.
_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_STARTS)


def annotations_sql(conn: Any, attr_columns: list[tuple[str, str]], *, excel: bool = False) -> str:
    """The one query export_annotations streams: each cell as the CSV holds it, in reading order.

    Only the export's coders' annotations (files.CODERS). The Excel variant's apostrophe is added in SQL,
    by the test excel_cell makes. An attribute cell is looked up by the (annotation_id, attribute_id) key, and only
    on rows whose label has values in that column: found up front, from the values
    themselves, so even a value its label no longer defines is written, as before.
    Attribute columns that nothing fills, at the end, are left out.
    """
    return (f"SELECT {', '.join(_annotation_cells(conn, attr_columns, excel))} {_ANNOTATION_FROM_ONLY} "
            f"WHERE 1 = 1{coders_sql()} ORDER BY {_ANNOTATION_ORDER}")


def _annotation_cells(conn: Any, attr_columns: list[tuple[str, str]], excel: bool,
                      scope: CoderScope | None = None) -> list[str]:
    cue = _python_call(conn, _CUE_FUNCTION, "a.document_id", "a.cue_start", "a.cue_end")
    cells = [_inert_sql(sql) if excel and text else sql.replace("{cue}", cue)
             for column, sql, text in _ANNOTATION_CELLS]
    if scope is not None and scope.split:
        cells.insert(ANNOTATION_COLUMNS.index("annotator") + 1, _inert_sql(_CODER_SQL) if excel else _CODER_SQL)
    attributes: dict[str, list[tuple[int, str]]] = {}
    for attribute_id, name, kind in conn.execute("SELECT id, name, kind FROM label_attributes ORDER BY id"):
        attributes.setdefault(fold(name), []).append((int(attribute_id), kind))
    used: dict[int, set[int]] = {}  # attribute id -> labels of the annotations holding a value for it
    for attribute_id, label_id in conn.execute(
        "SELECT DISTINCT v.attribute_id, a.label_id FROM annotation_values v "
        "JOIN annotations a ON a.id = v.annotation_id"
    ):
        used.setdefault(attribute_id, set()).add(int(label_id))
    for _column, name in attr_columns:
        column_attributes = attributes.get(fold(name), [])
        labels = set().union(*(used.get(attribute_id, ()) for attribute_id, _kind in column_attributes))
        cells.append(_attribute_sql(conn, column_attributes, labels, excel) if labels else "NULL")
    while cells[-1] == "NULL":
        cells.pop()
    return cells


def _inert_sql(sql: str) -> str:
    return f"iif(unicode({sql}) IN ({_FORMULA_CODES}), '''' || {sql}, {sql})"


def _attribute_sql(conn: Any, attributes: list[tuple[int, str]], labels: set[int], excel: bool) -> str:
    # Free text and choices are written as stored; other kinds go through _attribute_cell.
    python = [attribute_id for attribute_id, kind in attributes if kind not in ("text", "choice")]
    plain = _inert_sql("v.value") if excel else "v.value"
    called = _python_call(conn, _ATTRIBUTE_FUNCTION, "v.attribute_id", "v.value")
    if python and getattr(conn, "engine", "sqlite") != "sqlite":
        plain = f"ROW('', NULL::text, {plain})"  # CASE takes one type: the record called-back cells have
    cell = f"CASE WHEN v.attribute_id IN ({_ids(python)}) THEN {called} ELSE {plain} END" if python else plain
    # Should stale rows give an annotation two attributes sharing this column, the later one's value is written.
    order = " ORDER BY v.attribute_id DESC" if len(attributes) > 1 else ""
    return (f"CASE WHEN a.label_id IN ({_ids(labels)}) THEN (SELECT {cell} FROM annotation_values v "
            f"WHERE v.annotation_id = a.id AND v.attribute_id IN ({_ids(a for a, _kind in attributes)}){order}) END")


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in sorted(ids))


class _CueText:
    """A claim's cue as text, sliced from its document; each document with cues is read once."""

    def __init__(self, conn: Any, excel: bool):
        self._cursor, self._excel, self._document_id, self._text = conn.cursor(), excel, None, ""

    def __call__(self, document_id: int, start: int, end: int) -> str:
        if document_id != self._document_id:
            row = self._cursor.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
            self._document_id, self._text = document_id, row[0] if row else ""
        cue = self._text[start:end]
        return excel_cell(cue) if self._excel else cue

    def forget(self) -> None:
        self._document_id, self._text = None, ""


def _attribute_text(kind: str, value: str, excel: bool) -> Any:
    cell = _attribute_cell(kind, value)
    return excel_cell(cell) if excel else cell


def _attribute_cell(kind: str, value: str) -> Any:
    if value == "":
        return None
    if kind == "bool":
        # Stored as yes/no; older or hand-made values may say true/1 and still mean yes.
        return _BOOL_WORDS.get(value.strip().casefold(), value)
    if kind == "number" and _PLAIN_NUMBER.fullmatch(value):
        return _Number(value)
    return value


def _slug(name: str) -> str:
    # Accents come off first (Café -> cafe); a name with no Latin letters or digits
    # at all (판정) keeps a usable column name through the fallback.
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug or "attribute"


# -- documents, entities, memos -------------------------------------------------------


def export_documents(project: ProjectLike, out: str | os.PathLike, *, excel: bool = False,
                     coder: str | None = None) -> int:
    """Write every document (with its full text and memo) to `out` as CSV; return the row count.

    Documents belong to no coder: `coder` is only checked to name one."""
    if coder is not None:
        coder_scope(project, coder)
    out = check_target(project, out)
    conn = project.store.conn
    meta = metadata_columns(project)
    # One streamed query: texts can be large and there may be 100,000 of them. Each metadata
    # cell is a lookup by the (document_id, key) key; the keys are bound, never spliced in.
    lookups = "".join(", (SELECT value FROM document_metadata WHERE document_id = d.id AND key = ?)" for _ in meta)
    rows = streamed(
        conn,
        f"SELECT id, title, source, sha256, imported_at, text, status, memo{lookups} FROM documents d ORDER BY id",
        [key for _, key in meta],
    )
    return write_csv(out, DOCUMENT_COLUMNS + [c for c, _ in meta], rows, excel=excel)


METADATA_PREFIX = "meta_"


def metadata_columns(project: ProjectLike) -> list[tuple[str, str]]:
    """(column, metadata key) for every key any document has, in the document info panel's order.

    A key keeps its own spelling (meta_언론사), with each run of spaces as one underscore
    so that the name needs no quoting in R or pandas; two keys that come out the same get _2, _3...
    """
    columns: list[tuple[str, str]] = []
    taken: set[str] = set()
    keys = [key for (key,) in project.store.conn.execute("SELECT DISTINCT key FROM document_metadata")]
    for key in sorted(keys, key=key_order):
        base = METADATA_PREFIX + "_".join(key.split())
        column, n = base, 1
        while column in taken:
            n += 1
            column = f"{base}_{n}"
        columns.append((column, key))
        taken.add(column)
    return columns


def export_entities(project: ProjectLike, out: str | os.PathLike, *, excel: bool = False,
                    coder: str | None = None) -> int:
    """Write the entity registry to `out` as CSV, one row per entity; return the row count.

    mention_count counts the entity spans linked to the entity (only `coder`'s, with one);
    document_count the documents those spans are in. Claims and stances that only name it
    as a source, target or holder are not mentions.
    """
    out = check_target(project, out)
    conn = project.store.conn
    scope = coder_scope(project, coder)
    aliases: dict[int, list[str]] = {}
    for entity_id, alias in conn.execute("SELECT entity_id, alias FROM entity_aliases ORDER BY entity_id, id"):
        aliases.setdefault(entity_id, []).append(alias)
    mentions = {
        entity_id: (count, documents)
        for entity_id, count, documents in conn.execute(
            "SELECT a.entity_id, count(*), count(DISTINCT a.document_id) FROM annotations a "
            f"WHERE a.entity_id IS NOT NULL{scope.where()} GROUP BY a.entity_id"
        )
    }

    def rows() -> Iterator[tuple[Any, ...]]:
        for entity_id, name, type_name, external_id, memo, created_at in conn.execute(
            "SELECT e.id, e.name, l.name, e.external_id, e.memo, e.created_at "
            "FROM entities e LEFT JOIN labels l ON l.id = e.label_id ORDER BY e.id"
        ):
            mention_count, document_count = mentions.get(entity_id, (0, 0))
            yield (entity_id, name, type_name, ALIAS_SEPARATOR.join(aliases.get(entity_id, ())),
                   external_id, memo, mention_count, document_count, created_at)

    return write_csv(out, ENTITY_COLUMNS, rows(), excel=excel)


# Document memos and annotation notes interleave: each document's memo, then the
# notes on its annotations in reading order.
_DOCUMENT_MEMOS_SQL = """
SELECT kind, id, document_id, title_or_name, memo FROM (
    SELECT 'document' AS kind, 0 AS rank, d.id AS id, d.id AS document_id, d.title AS title_or_name,
           d.memo AS memo, NULL AS span_start, NULL AS span_end
    FROM documents d WHERE d.memo != ''
    UNION ALL
    SELECT 'annotation', 1, a.id, a.document_id,
           CASE WHEN a.span_start IS NULL THEN coalesce(target_entity.name, a.target) ELSE a.text END,
           a.note, a.span_start, a.span_end
    FROM annotations a LEFT JOIN entities target_entity ON target_entity.id = a.target_entity_id
    WHERE a.note != ''{coder}
) AS memos
ORDER BY document_id, rank, span_start, span_end DESC, id
"""


def export_memos(project: ProjectLike, out: str | os.PathLike, *, excel: bool = False,
                 coder: str | None = None) -> int:
    """Write every non-empty memo and note to `out` as CSV, one row each; return the row count.

    Rows come per document (its memo, then the notes on its annotations in reading
    order), then entity memos by entity id, then label memos in codebook order. With
    `coder`, only that coder's annotation notes are among them (memos belong to no coder).
    """
    out = check_target(project, out)
    conn = project.store.conn
    scope = coder_scope(project, coder)

    def rows() -> Iterator[tuple[Any, ...]]:
        yield from conn.execute(_DOCUMENT_MEMOS_SQL.format(coder=scope.where()))
        yield from conn.execute(
            "SELECT 'entity', id, NULL, name, memo FROM entities WHERE memo != '' ORDER BY id"
        )
        yield from conn.execute(
            "SELECT 'label', id, NULL, name, memo FROM labels WHERE memo != '' ORDER BY sort_order, id"
        )

    # A memo of only spaces or line breaks says nothing; leave it out like an empty one.
    return write_csv(out, MEMO_COLUMNS, (row for row in rows() if row[4].strip()), excel=excel)


Exporter = Callable[..., int]
EXPORTERS: dict[str, Exporter] = {
    "annotations": export_annotations,
    "documents": export_documents,
    "entities": export_entities,
    "memos": export_memos,
}
"""What can be exported, by the name the command line and the export dialog use."""
