"""Every export an analyst can take elsewhere, by name, and the preview the export dialog shows.

Formats (``annotator export --format NAME``; docs/export-formats.md has the details):

* ``csv``: one row per annotation, document, entity or memo (exporting.py, docs/csv-format.md).
* ``matrix`` / ``matrix-binary``: the document x label table. One row per document
  (``document_id``, ``title``), then one column per codable label in codebook order,
  headed by the label's name, holding how many annotations of that label the document
  has (spans and whole-document codes alike), or 1/0 for whether it has any.
* ``coding``: the document-level coding table for SPSS, R or Stata, one row per
  document and one column per coded variable (see CODING_TABLE below).
* ``jsonl`` and ``webanno``: JSON Lines for NLP pipelines and W3C Web Annotation
  (export_json.py).
* ``qdpx`` and ``qdc``: REFI-QDA project and codebook, written by annotator.core.interchange.refi
  when that package is present.

The CSV tables have the research variant (exact values, UTF-8) and the Excel variant
(``excel=True``: a byte-order mark, and text cells starting = + - @ made inert), the
same as exporting.py's. Every export reads the project and never changes it.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import os
import re
import tempfile
import unicodedata
import zipfile
from decimal import Decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from annotator.core.coding.variables import answer_text
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Coder, Variable
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.metadata import key_order
from annotator.core.interchange.coder_scope import CoderScope, coder_scope, document_rows
from annotator.core.interchange.files import CODERS, ROW_FILTER, check_target, chosen_coders, write_csv
from annotator.core.interchange.json_formats import (
    JSONL_FIELDS,
    WEBANNO_FIELDS,
    export_jsonl,
    export_webanno,
)
from annotator.core.interchange.tables import EXPORTERS

CODING_TABLE = """\
document_id, title, status, memo       the document
meta_<key>                             one per metadata field in the project: outlet, author, date, url,
                                       language (those present), then the others alphabetically
n_<label>                              one per codable label: its annotations in the document (spans + whole-document)
targets_<stance label>                 one per stance label: the targets it codes the whole document toward,
                                       in the order coded, joined with "; " (e.g. "Amazon; Walmart")
var_<variable>                         one per document variable, in codesheet order: the answer as a code (a
                                       multiple choice's codes joined with "; "; yes/no 1 or 0), a number, a
                                       date or a text; with labels=True a choice's label instead of its code
"""
"""The coding table's columns. Names are SPSS/R/Stata variable names: lower case, runs of
anything but letters, digits and _ become _, and a clash gets _2, _3..."""
TARGET_SEPARATOR = "; "


class Writer(Protocol):
    """A format's writer: write `out` from `project`; return how many `unit`s it wrote."""

    def __call__(self, project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int: ...


class ExportCancelled(Exception):
    """The analyst cancelled a long export; nothing was written."""


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    suffix: str
    writer: Writer
    syntax: str  # how the file reads: csv, json, xml or zip (for the preview)
    excel: bool = False  # has an Excel variant
    labels: bool = False  # can write choices as their labels instead of their codes (labels=True)
    unit: str = "document"  # what the count counts
    fields: list[str] = field(default_factory=list)  # for formats that are not tables

    def available(self) -> bool:
        """False for REFI-QDA when annotator.core.interchange.refi is missing or cannot load."""
        if self.syntax not in ("xml", "zip"):
            return True
        try:
            _refi_module()
        except ImportError:
            return False
        return True


# -- document x label matrix ---------------------------------------------------------


def export_matrix(project: ProjectLike, out: str | os.PathLike, *, binary: bool = False, excel: bool = False,
                  coder: str | None = None) -> int:
    """Write the document x label matrix (counts, or 0/1 with binary); return the row count.

    One row per document, or with several coders one per (document, coder): see coder_scope.
    """
    out = check_target(project, out)
    scope = coder_scope(project, coder)
    conn = project.store.conn
    labels = project.codebook.codable_labels()
    counts = _label_counts(conn, scope)

    def rows() -> Iterator[tuple[Any, ...]]:
        documents = conn.execute("SELECT id, title FROM documents ORDER BY id")
        for (doc_id, title), who in document_rows(project, scope, documents):
            key = who.id if scope.split and who is not None else None
            values = [counts.get((doc_id, key, label.id), 0) for label in labels]
            yield (doc_id, title, *_coder_cell(scope, who), *([int(v > 0) for v in values] if binary else values))

    columns = _unique(["document_id", "title", *_coder_column(scope), *(label.name for label in labels)])
    return write_csv(out, columns, rows(), excel=excel)


def _label_counts(conn: Any, scope: CoderScope) -> dict[tuple[int, int | None, int], int]:
    """(document, coder, label) -> annotations; the coder is None unless the scope tells coders apart."""
    coder, by = ("a.coder_id", "a.document_id, a.coder_id, a.label_id") if scope.split else \
        ("NULL", "a.document_id, a.label_id")
    return {(doc_id, coder_id, label_id): n for doc_id, coder_id, label_id, n in conn.execute(
        f"SELECT a.document_id, {coder}, a.label_id, count(*) FROM annotations a WHERE 1 = 1{scope.where()} "
        f"GROUP BY {by}")}


def _coder_column(scope: CoderScope) -> list[str]:
    return ["coder"] if scope.split else []


def _coder_cell(scope: CoderScope, who: Coder | None) -> tuple[Any, ...]:
    return ((who.name if who is not None else None),) if scope.split else ()


# -- document-level coding table -----------------------------------------------------


def export_document_coding(project: ProjectLike, out: str | os.PathLike, *, excel: bool = False,
                           labels: bool = False, coder: str | None = None) -> int:
    """Write the coding table (CODING_TABLE); return the row count.

    One row per document holding one coder's codes (`coder`'s, or the only coder's), or with
    several coders one row per (document, coder), with a coder column: see coder_scope.
    """
    out = check_target(project, out)
    scope = coder_scope(project, coder)
    conn = project.store.conn
    choice_labels = labels  # the name `labels` is the codebook's labels from here on
    variables = project.variables.list()
    answers = _answers(project, scope) if variables else {}
    keys = sorted((key for (key,) in conn.execute("SELECT DISTINCT key FROM document_metadata")), key=key_order)
    labels = project.codebook.codable_labels()
    stances = [label for label in labels if label.layer == "stance"]
    counts = _label_counts(conn, scope)
    targets: dict[tuple[int, int | None, int], list[str]] = {}
    for doc_id, coder_id, label_id, target in conn.execute(
        "SELECT a.document_id, a.coder_id, a.label_id, coalesce(e.name, a.target) FROM annotations a "
        f"LEFT JOIN entities e ON e.id = a.target_entity_id WHERE a.span_start IS NULL{scope.where()} ORDER BY a.id"
    ):
        coded = targets.setdefault((doc_id, coder_id if scope.split else None, label_id), [])
        if target and target not in coded:  # the same target coded twice is one value
            coded.append(target)

    def rows() -> Iterator[tuple[Any, ...]]:
        documents = conn.execute("SELECT id, title, status, memo FROM documents ORDER BY id")
        for (doc_id, title, status, memo), who in document_rows(project, scope, documents):
            key = who.id if scope.split and who is not None else None
            answered = who.id if who is not None else None
            meta = dict(conn.execute("SELECT key, value FROM document_metadata WHERE document_id = ?", (doc_id,)))
            yield (doc_id, title, *_coder_cell(scope, who), status, memo, *(meta.get(key) for key in keys),
                   *(counts.get((doc_id, key, label.id), 0) for label in labels),
                   *(TARGET_SEPARATOR.join(targets.get((doc_id, key, label.id), ())) or None for label in stances),
                   *(_answer_cell(variable, answers.get((doc_id, answered, variable.id)), choice_labels)
                     for variable in variables))

    columns = _unique(["document_id", "title", *_coder_column(scope), "status", "memo",
                       *(f"meta_{variable_name(key)}" for key in keys),
                       *(f"n_{variable_name(label.name)}" for label in labels),
                       *(f"targets_{variable_name(label.name)}" for label in stances),
                       *(f"var_{variable_name(variable.name)}" for variable in variables)])
    return write_csv(out, columns, rows(), excel=excel)


def _answers(project: ProjectLike, scope: CoderScope) -> dict[tuple[int, int, int], str]:
    """(document, coder, variable) -> the stored answer, for the scope's coders."""
    wanted = scope.coder_ids()
    return {(doc_id, coder_id, variable_id): value for doc_id, coder_id, variable_id, value in
            project.store.conn.execute("SELECT document_id, coder_id, variable_id, value FROM variable_values")
            if coder_id in wanted}


def _answer_cell(variable: Variable, stored: str | None, labels: bool) -> Any:
    """A number stays a number (never made inert as text by the Excel variant); codes are whole numbers."""
    if stored is None:
        return None
    if variable.kind == "number":
        return Decimal(stored)
    if variable.kind in ("single_choice", "yes_no") and not labels:
        return int(stored)
    return answer_text(variable, stored, labels=labels, separator=TARGET_SEPARATOR)


def variable_name(name: str) -> str:
    """A name SPSS, R and Stata take as a variable: lower case letters (any script), digits and _."""
    slug = re.sub(r"\W+", "_", unicodedata.normalize("NFKC", name).casefold()).strip("_")
    return slug or "x"


def _unique(columns: Iterable[str]) -> list[str]:
    taken: set[str] = set()
    unique = []
    for column in columns:
        name, n = column, 1
        while name.casefold() in taken:  # SPSS and Stata do not tell case apart
            n += 1
            name = f"{column}_{n}"
        taken.add(name.casefold())
        unique.append(name)
    return unique


# -- the registry --------------------------------------------------------------------
# Every format's writer takes the same arguments, so export() and preview() call any of
# them alike: excel is True only for a format with an Excel variant (export() refuses it
# for the others), and `what` names the CSV table, which only the CSV format reads.


def write_csv_table(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """One of the four CSV tables (annotations, documents, entities, memos); return its row count."""
    if what not in EXPORTERS:
        raise ProjectError(f"Unknown CSV export {what!r}; choose one of {', '.join(EXPORTERS)}.")
    return EXPORTERS[what](project, out, excel=excel)


def write_matrix_counts(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """The document x label matrix of annotation counts; return the row count."""
    return export_matrix(project, out, excel=excel)


def write_matrix_binary(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """The document x label matrix of 1/0 (has any such annotation); return the row count."""
    return export_matrix(project, out, binary=True, excel=excel)


def write_coding_table(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str,
                       labels: bool = False) -> int:
    """The document-level coding table (CODING_TABLE), choices as labels with labels=True; return the row count."""
    return export_document_coding(project, out, excel=excel, labels=labels)


def write_jsonl(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str, labels: bool = False) -> int:
    """JSON Lines, one record per document (per document and coder with several); return the record count."""
    return export_jsonl(project, out, labels=labels)


def write_webanno(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """W3C Web Annotation (JSON-LD); return the annotation count."""
    return export_webanno(project, out)


def write_qdpx(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """A REFI-QDA project (.qdpx); return 1, the one project written."""
    _refi_export().export_qdpx(project, check_target(project, out))
    return 1


def write_qdc(project: ProjectLike, out: str | os.PathLike, *, excel: bool, what: str) -> int:
    """A REFI-QDA codebook (.qdc); return 1, the one codebook written (a codebook has no coders)."""
    _refi_export().export_qdc(project, check_target(project, out))
    return 1


def _refi_export() -> Any:
    try:
        return _refi_module()
    except ImportError as exc:
        raise ProjectError(f"REFI-QDA export is not available here ({exc}); choose another format.") from exc


def _refi_module() -> Any:
    # Imported on first use: REFI-QDA lives in its own package, which loads an XML stack.
    return importlib.import_module(f"{__package__}.refi.export")


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("csv", "CSV table", ".csv", write_csv_table, "csv", excel=True),
    ExportFormat("matrix", "Document × label matrix (counts)", ".csv", write_matrix_counts, "csv", excel=True),
    ExportFormat("matrix-binary", "Document × label matrix (0/1)", ".csv", write_matrix_binary, "csv", excel=True),
    ExportFormat("coding", "Document coding table (SPSS, R, Stata)", ".csv", write_coding_table, "csv", excel=True,
                 labels=True),
    ExportFormat("jsonl", "JSON Lines (spaCy, Prodigy)", ".jsonl", write_jsonl, "json", labels=True,
                 fields=JSONL_FIELDS),
    ExportFormat("webanno", "W3C Web Annotation (JSON-LD)", ".jsonld", write_webanno, "json", unit="annotation",
                 fields=WEBANNO_FIELDS),
    ExportFormat("qdpx", "REFI-QDA project (MAXQDA, ATLAS.ti, NVivo)", ".qdpx", write_qdpx, "zip", unit="project"),
    ExportFormat("qdc", "REFI-QDA codebook", ".qdc", write_qdc, "xml", unit="codebook"),
)}
"""Export formats by the name the command line and the export dialog use."""


def export(project: ProjectLike, name: str, out: str | os.PathLike, *, what: str = "annotations", excel: bool = False,
           labels: bool = False, coder: str | None = None, gold: bool = False,
           on_progress: Callable[[int], bool | None] | None = None) -> int:
    """Write export `name` to `out`; return how many rows or records it holds (1 for REFI-QDA's one file).

    labels writes choice answers as their labels (the coding table and JSON Lines). coder keeps
    the export to that coder's codes and answers, gold to the adjudicated ones (the gold layer),
    each laid out as a one-coder project's; by default every coder's are written, told apart
    (coder_scope). on_progress(rows so far) is called every 100 rows; returning False cancels,
    raising ExportCancelled and leaving `out` as it was.
    """
    fmt = _format(name)
    if excel and not fmt.excel:
        raise ProjectError(f"{fmt.title} has no Excel variant; export it without the Excel option.")
    if labels and not fmt.labels:
        raise ProjectError(f"{fmt.title} has no choice answers to write as labels; export it without --labels.")
    kept_to = _kept_to(project, fmt, coder, gold)
    token = ROW_FILTER.set(_Watch(on_progress) if on_progress is not None else None)
    coders_token = CODERS.set(kept_to)
    try:
        if labels:
            return fmt.writer(project, out, excel=excel, what=what, labels=True)
        return fmt.writer(project, out, excel=excel, what=what)
    finally:
        CODERS.reset(coders_token)
        ROW_FILTER.reset(token)


def _kept_to(project: ProjectLike, fmt: ExportFormat, coder: str | None, gold: bool) -> tuple[int, ...] | None:
    kept_to = chosen_coders(project, coder=coder, gold=gold)
    # A codebook holds nobody's codes; a .qdpx names each coding's coder and takes --coder, but the
    # gold layer is no person for another tool's User.
    if kept_to is not None and (fmt.syntax == "xml" or (gold and fmt.syntax == "zip")):
        raise ProjectError(f"{fmt.title} carries every coder's codes, each under its own name; export it "
                           f"without {'--gold' if gold else '--coder'}.")
    return kept_to


def describe_count(name: str, what: str, count: int) -> str:
    """What an export wrote, in words: "3 annotations", "1 document", "1 project"."""
    unit = {"annotations": "annotation", "documents": "document", "entities": "entity",
            "memos": "memo"}[what] if name == "csv" else _format(name).unit
    plural = "entities" if unit == "entity" else f"{unit}s"
    return f"{count} {unit if count == 1 else plural}"


class _Watch:
    """A ROW_FILTER that reports every `every` rows and cancels when on_progress says False.

    Exporters that write a block of rows at a time call advance(rows so far) after each
    block instead of passing rows through; the reports are the same.
    """

    def __init__(self, on_progress: Callable[[int], bool | None], every: int = 100):
        self._on_progress, self._every, self._reported = on_progress, every, 0

    def __call__(self, items: Iterable[Any]) -> Iterator[Any]:
        for n, item in enumerate(items, 1):
            if n % self._every == 0:
                self._report(n)
            yield item

    def advance(self, rows: int) -> None:
        for n in range(self._reported + self._every, rows + 1, self._every):
            self._report(n)

    def _report(self, n: int) -> None:
        self._reported = n
        if self._on_progress(n) is False:
            raise ExportCancelled("Export cancelled; no file was written.")


def _format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise ProjectError(f"Unknown export format {name!r}; choose one of {', '.join(FORMATS)}.")
    return FORMATS[name]


# -- preview -------------------------------------------------------------------------


def preview(project: ProjectLike, name: str, what: str = "annotations", rows: int = 5, *,
            excel: bool = False, coder: str | None = None, gold: bool = False) -> tuple[list[str], str]:
    """(columns, text): the export's exact column list and the beginning of the file it writes.

    The text is what the real export writes, cut after `rows` rows (documents for
    JSON Lines, annotations for Web Annotation), so the preview cannot drift from the
    file. Formats that are not tables list their fields instead of columns; a REFI-QDA
    project lists the files inside it and shows the start of project.qde. coder and gold keep it
    to one coder's codes, as export's do.
    """
    fmt = _format(name)
    kept_to = _kept_to(project, fmt, coder, gold)
    with tempfile.TemporaryDirectory(prefix="annotator-preview-") as folder:
        out = Path(folder) / f"preview{fmt.suffix}"
        token = ROW_FILTER.set(lambda items: itertools.islice(items, rows))
        coders_token = CODERS.set(kept_to)
        try:
            fmt.writer(project, out, excel=excel and fmt.excel, what=what)
        finally:
            CODERS.reset(coders_token)
            ROW_FILTER.reset(token)
        if fmt.syntax == "zip":
            return _zip_preview(out)
        text = out.read_text(encoding="utf-8-sig")  # the Excel variant's BOM is not content
    if fmt.syntax == "csv":
        return next(csv.reader(io.StringIO(text)), []), text
    if fmt.syntax == "xml":
        return list(fmt.fields), _head(text)
    return list(fmt.fields), text


def _zip_preview(path: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        main = next((m for m in members if m.endswith(".qde")), None)
        text = _head(archive.read(main).decode("utf-8-sig")) if main else ""
    return members, text


def _head(text: str, lines: int = 60) -> str:
    return "".join(text.splitlines(keepends=True)[:lines])
