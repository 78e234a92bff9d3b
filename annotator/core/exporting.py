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
and memo APIs: the file format follows the stored data, and one streamed query
per file keeps a 100,000-row export fast and its memory flat.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from .errors import ProjectError

ANNOTATION_COLUMNS = [
    "annotation_id", "document_id", "document_title", "layer", "label", "start", "end",
    "text", "target", "note", "annotator", "created_at", "updated_at",
    # Schema 2: the entity link, claim and stance roles, and the claim's attribution cue.
    "entity_id", "entity_name", "source", "source_entity_id", "holder", "holder_entity_id",
    "target_entity_id", "cue_start", "cue_end", "cue_text",
]
"""The fixed annotation columns; one ``attr_<name>`` column per codebook attribute follows."""
DOCUMENT_COLUMNS = ["document_id", "title", "source", "sha256", "imported_at", "text", "status", "memo"]
ENTITY_COLUMNS = [
    "entity_id", "name", "type", "aliases", "external_id", "memo", "mention_count", "document_count",
    "created_at",
]
MEMO_COLUMNS = ["kind", "id", "document_id", "title_or_name", "memo"]
ALIAS_SEPARATOR = " | "
ATTRIBUTE_PREFIX = "attr_"

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula
# (tab and CR are included because some spreadsheets strip them and then see "=").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Entities are joined once per role; the outer table stays `annotations`, so the
# (document_id, span_start, span_end DESC) index still serves the order without a sort.
_ANNOTATIONS_SQL = """
SELECT a.id, a.document_id, a.label_id, a.span_start, a.span_end, a.text,
       coalesce(target_entity.name, a.target), a.note, a.annotator, a.created_at, a.updated_at,
       a.entity_id, mentioned.name, coalesce(source_entity.name, a.source), a.source_entity_id,
       coalesce(holder_entity.name, a.holder), a.holder_entity_id, a.target_entity_id,
       a.cue_start, a.cue_end
FROM annotations a
LEFT JOIN entities mentioned ON mentioned.id = a.entity_id
LEFT JOIN entities source_entity ON source_entity.id = a.source_entity_id
LEFT JOIN entities target_entity ON target_entity.id = a.target_entity_id
LEFT JOIN entities holder_entity ON holder_entity.id = a.holder_entity_id
ORDER BY a.document_id, a.span_start, a.span_end DESC, a.id
"""

_BOOL_WORDS = {"yes": "yes", "true": "yes", "1": "yes", "on": "yes",
               "no": "no", "false": "no", "0": "no", "off": "no"}
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


class _Number(str):
    """A stored number such as "-3": written exactly, and never mistaken for a formula.

    Excel reads "-3" as the number it is, so the Excel variant leaves it alone
    instead of turning it into the text "'-3".
    """


# -- annotations ---------------------------------------------------------------------


def attribute_columns(project: Any) -> list[tuple[str, str]]:
    """(column, attribute name) for every attribute name in the codebook, in codebook order.

    Labels that share an attribute name (an "intensity" on Favor and on Against)
    share its column; like the codebook, this ignores case. Names become lowercase
    [a-z0-9_]; two names that come out the same get _2, _3... in the order they appear.
    """
    rows = project.store.query(
        "SELECT la.name FROM label_attributes la JOIN labels l ON l.id = la.label_id "
        "ORDER BY l.sort_order, l.id, la.sort_order, la.id"
    )
    columns: dict[str, tuple[str, str]] = {}  # folded name -> (column, name as first spelled)
    taken: set[str] = set()
    for (name,) in rows:
        if _fold(name) in columns:
            continue
        base = ATTRIBUTE_PREFIX + _slug(name)
        column, n = base, 1
        while column in taken:
            n += 1
            column = f"{base}_{n}"
        columns[_fold(name)] = (column, name)
        taken.add(column)
    return list(columns.values())


def annotation_columns(project: Any) -> list[str]:
    """The header export_annotations writes for this project."""
    return ANNOTATION_COLUMNS + [column for column, _ in attribute_columns(project)]


def export_annotations(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write every annotation to `out` as CSV; return the number of rows written."""
    out = _check_target(project, out)
    conn = project.store.conn
    # Titles, labels and attribute definitions are small; loading them up front keeps
    # the annotation cursor the only long query while rows stream out.
    titles = dict(conn.execute("SELECT id, title FROM documents"))
    labels = {label_id: (layer, name) for label_id, layer, name in conn.execute("SELECT id, layer, name FROM labels")}
    attr_columns = attribute_columns(project)
    position = {_fold(name): i for i, (_, name) in enumerate(attr_columns)}
    attributes = {
        attribute_id: (position[_fold(name)], kind)
        for attribute_id, name, kind in conn.execute("SELECT id, name, kind FROM label_attributes")
    }
    blank = (None,) * len(attr_columns)

    def rows() -> Iterator[tuple[Any, ...]]:
        doc_id = title = text = None
        values: dict[int, tuple[Any, ...]] = {}
        for row in conn.execute(_ANNOTATIONS_SQL):
            if row[1] != doc_id:
                doc_id, title, text = row[1], titles.get(row[1], ""), None
                if attributes:
                    values = _document_values(conn, doc_id, attributes, len(attr_columns))
            cue_start, cue_end = row[18], row[19]
            cue_text = None
            if cue_start is not None and cue_end is not None:
                if text is None:  # only documents with a cue are read, once each
                    text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
                cue_text = text[cue_start:cue_end]
            layer, name = labels[row[2]]
            yield (row[0], doc_id, title, layer, name, *row[3:], cue_text, *values.get(row[0], blank))

    return write_csv(out, ANNOTATION_COLUMNS + [c for c, _ in attr_columns], rows(), excel=excel)


def _document_values(conn: Any, doc_id: int, attributes: dict[int, tuple[int, str]],
                     width: int) -> dict[int, tuple[Any, ...]]:
    """Attribute cells of one document's annotations, by annotation id.

    One query per document rather than per row, and never the whole project's
    values at once, so memory stays bounded by the largest document.
    """
    cells: dict[int, list[Any]] = {}
    for annotation_id, attribute_id, value in conn.execute(
        "SELECT v.annotation_id, v.attribute_id, v.value FROM annotations a "
        "JOIN annotation_values v ON v.annotation_id = a.id WHERE a.document_id = ?",
        (doc_id,),
    ):
        index, kind = attributes[attribute_id]
        cells.setdefault(annotation_id, [None] * width)[index] = _attribute_cell(kind, value)
    return {annotation_id: tuple(row) for annotation_id, row in cells.items()}


def _attribute_cell(kind: str, value: str) -> Any:
    if value == "":
        return None
    if kind == "bool":
        # Stored as yes/no; older or hand-made values may say true/1 and still mean yes.
        return _BOOL_WORDS.get(value.strip().casefold(), value)
    if kind == "number" and _PLAIN_NUMBER.fullmatch(value):
        return _Number(value)
    return value


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _slug(name: str) -> str:
    # Accents come off first (Café -> cafe); a name with no Latin letters or digits
    # at all (판정) keeps a usable column name through the fallback.
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug or "attribute"


# -- documents, entities, memos -------------------------------------------------------


def export_documents(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write every document (with its full text and memo) to `out` as CSV; return the row count."""
    out = _check_target(project, out)
    conn = project.store.conn
    # The cursor hands rows over one at a time: texts can be large and there may be thousands.
    rows = conn.execute(
        "SELECT id, title, source, sha256, imported_at, text, status, memo FROM documents ORDER BY id"
    )
    meta = metadata_columns(project)

    def with_metadata() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            values = dict(conn.execute("SELECT key, value FROM document_metadata WHERE document_id = ?", (row[0],)))
            yield (*row, *(values.get(key) for _, key in meta))

    return write_csv(out, DOCUMENT_COLUMNS + [c for c, _ in meta], with_metadata() if meta else rows, excel=excel)


METADATA_PREFIX = "meta_"


def metadata_columns(project: Any) -> list[tuple[str, str]]:
    """(column, metadata key) for every key any document has, in the document info panel's order.

    A key keeps its own spelling (meta_언론사), with each run of spaces as one underscore
    so that the name needs no quoting in R or pandas; two keys that come out the same get _2, _3...
    """
    columns: list[tuple[str, str]] = []
    taken: set[str] = set()
    for key in project.metadata.keys():
        base = METADATA_PREFIX + "_".join(key.split())
        column, n = base, 1
        while column in taken:
            n += 1
            column = f"{base}_{n}"
        columns.append((column, key))
        taken.add(column)
    return columns


def export_entities(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write the entity registry to `out` as CSV, one row per entity; return the row count.

    mention_count counts the entity spans linked to the entity; document_count the
    documents those spans are in. Claims and stances that only name it as a source,
    target or holder are not mentions.
    """
    out = _check_target(project, out)
    conn = project.store.conn
    aliases: dict[int, list[str]] = {}
    for entity_id, alias in conn.execute("SELECT entity_id, alias FROM entity_aliases ORDER BY entity_id, id"):
        aliases.setdefault(entity_id, []).append(alias)
    mentions = {
        entity_id: (count, documents)
        for entity_id, count, documents in conn.execute(
            "SELECT entity_id, count(*), count(DISTINCT document_id) FROM annotations "
            "WHERE entity_id IS NOT NULL GROUP BY entity_id"
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
    WHERE a.note != ''
)
ORDER BY document_id, rank, span_start, span_end DESC, id
"""


def export_memos(project: Any, out: str | os.PathLike, *, excel: bool = False) -> int:
    """Write every non-empty memo and note to `out` as CSV, one row each; return the row count.

    Rows come per document (its memo, then the notes on its annotations in reading
    order), then entity memos by entity id, then label memos in codebook order.
    """
    out = _check_target(project, out)
    conn = project.store.conn

    def rows() -> Iterator[tuple[Any, ...]]:
        yield from conn.execute(_DOCUMENT_MEMOS_SQL)
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


# -- writing -----------------------------------------------------------------------

# export_formats sets this around a write to see or cut short the rows as they stream
# out: the export dialog's preview needs only the first rows, and a long export reports
# progress (and can be cancelled) without every exporter taking a callback.
ROW_FILTER: ContextVar[Callable[[Iterable[Any]], Iterable[Any]] | None] = ContextVar("ROW_FILTER", default=None)


def write_csv(
    out: str | os.PathLike, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False
) -> int:
    """Stream `rows` under a header to `out`, replacing it only once everything is written.

    None becomes an empty cell. The file appears at `out` whole or not at all: rows go
    to a temporary file beside it, which is renamed over `out` at the end and removed
    if anything fails.
    """
    with atomic_output(Path(out), encoding="utf-8-sig" if excel else "utf-8") as f:
        writer = csv.writer(f, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        # Headers too: the matrix names a column after each label, and a label may be called "=HYPERLINK(…)".
        writer.writerow([_excel_cell(c) for c in columns] if excel else columns)
        row_filter = ROW_FILTER.get()
        counted = _counting(rows if row_filter is None else row_filter(rows))
        writer.writerows(([_excel_cell(v) for v in row] for row in counted) if excel else counted)
    return counted.count


@contextlib.contextmanager
def atomic_output(out: Path, *, encoding: str = "utf-8") -> Iterator[Any]:
    """A text file that appears at `out` whole or not at all.

    Writing goes to a temporary file beside `out`, synced and renamed over it at the
    end, and removed if anything fails; errors name `out`, not the temporary file.
    """
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a folder, not a file; choose a file name", str(out))
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        # Mode "x" creates with the usual permissions (umask), unlike mkstemp's 0600,
        # so the exported file can be shared like any other the user saves.
        with open(tmp, "x", encoding=encoding, newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        # The temporary name means nothing to the user; report the file they asked for.
        if isinstance(exc, OSError) and exc.filename == str(tmp):
            exc.filename, exc.filename2 = str(out), None
        raise


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
    if type(value) is str and value.startswith(_FORMULA_STARTS):
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
