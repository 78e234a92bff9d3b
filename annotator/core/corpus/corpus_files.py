"""Corpus files: one article per row of a CSV file or per line of a JSON Lines file.

The analyst says which columns hold the text, title, date, url, outlet and
author (guess_mapping proposes an answer); every other column becomes document
metadata. A file that cannot be read as a whole (wrong encoding, a broken quoted
field, a line that is not JSON) is refused before anything is written. Rows are
then judged one by one: a row without text, or larger than the project's limit
for one document, is refused with its row number, a row whose text is already in
the project (or earlier in the file) is skipped. The file is read as a stream,
one row held at a time (corpus_reading.py), so its size does not decide the memory.

Rows are numbered as a spreadsheet shows them: the header is row 1, so the first
article of a CSV file is row 2. JSON Lines files are numbered by line.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from annotator.core.common.errors import ImportRefused, ProjectError, is_disk_full
from annotator.core.common.names import shown, shown_text, storable
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.corpus_reading import Layout, layout_of, read_rows, too_large_row
from annotator.core.corpus.decoding import MAX_TEXT_BYTES
from annotator.core.corpus.fingerprints import fingerprint
from annotator.core.corpus.import_formats import suffixes
from annotator.core.corpus.importing import BatchReport, import_limit
from annotator.core.corpus.metadata import MAX_KEY_CHARS, iso_date
from annotator.core.corpus.titles import detect_title
from annotator.core.search.index import add_to_index
from annotator.core.store.database import Change, ChangeKind, now

CORPUS_SUFFIXES = suffixes("corpus")
# A corpus holds many articles, so it may be far larger than one text file.
MAX_CORPUS_BYTES = 512 * 1024 * 1024
# Rows per transaction: large enough that 10,000 rows take seconds, small enough
# that Cancel answers quickly and keeps every batch already committed.
BATCH_ROWS = 500
SAMPLE_ROWS = 20
ROLES = ("text", "title", "date", "url", "outlet", "author")
# Roles other than text and title are stored as metadata under these keys.
META_ROLES = ("date", "url", "outlet", "author")

# Column names each role answers to, best first (compared casefolded).
_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "article_text", "body_text", "본문", "내용", "기사"),
    "title": ("title", "headline", "heading", "제목", "헤드라인"),
    "date": ("date", "published", "published_at", "publish_date", "pub_date", "datetime", "날짜", "일자", "작성일"),
    "url": ("url", "link", "href", "uri", "주소", "링크"),
    "outlet": ("outlet", "source", "site", "publisher", "media", "newspaper", "언론사", "매체", "출처"),
    "author": ("author", "byline", "authors", "writer", "reporter", "기자", "작성자"),
}

ProgressCallback = Callable[[int, int], "bool | None"]


def is_corpus_file(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in CORPUS_SUFFIXES


@dataclass(frozen=True)
class CorpusPreview:
    """What the mapping step shows: the columns, the first rows, and how the file was read."""

    path: Path
    kind: str  # "csv" | "jsonl"
    columns: list[str]
    sample_rows: list[dict[str, str]]
    encoding: str
    delimiter: str | None  # CSV only
    row_count_estimate: int


@dataclass(frozen=True)
class ColumnMapping:
    """Which column plays which role; the other columns become metadata when keep_rest is on."""

    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    keep_rest: bool = True

    def roles(self) -> dict[str, str]:
        """role -> column, for the roles that have one."""
        return {role: getattr(self, role) for role in ROLES if getattr(self, role)}

    def check(self, columns: list[str]) -> None:
        """Refuse a mapping that names a missing column or gives one column two roles."""
        if not self.text:
            raise ProjectError("Choose the column that holds the article text.")
        seen: dict[str, str] = {}
        for role, column in self.roles().items():
            if column not in columns:
                raise ProjectError(f"There is no column ‘{column}’ for the {role}; "
                                   f"the columns are: {', '.join(columns)}.")
            if column in seen:
                raise ProjectError(f"The column ‘{column}’ is chosen for both {seen[column]} and {role}; "
                                   "choose one role per column.")
            seen[column] = role


@dataclass
class RowOutcome:
    row: str  # "row 12" or "line 12", as the source and the report name it
    status: str  # 'imported' | 'skipped' | 'refused'
    reason: str = ""
    document_id: int | None = None
    note: str = ""  # none yet: rows carry their text as given, with nothing to look at twice


@dataclass
class CorpusReport(BatchReport):
    """What an import of one corpus file did, row by row."""

    path: Path = field(kw_only=True)

    unit: ClassVar[str] = "row"
    again: ClassVar[str] = "the file"

    def _source(self) -> str:
        return f" from {shown(self.path.name)}"

    def _place(self, outcome: RowOutcome) -> str:
        return outcome.row


# -- reading ---------------------------------------------------------------------------


@dataclass
class _Scan:
    """A corpus file read through once: sound as a whole, its columns, first rows and row count."""

    layout: Layout
    columns: list[str]
    sample_rows: list[dict[str, str]]
    rows: int


def sniff_corpus(path: str | os.PathLike) -> CorpusPreview:
    """Read a corpus file for the mapping step; raise ImportRefused when it cannot be read."""
    scan = _scan(Path(path), MAX_TEXT_BYTES)
    return CorpusPreview(Path(path), scan.layout.kind, scan.columns, scan.sample_rows, scan.layout.encoding,
                         scan.layout.delimiter, scan.rows)


def _scan(path: Path, max_bytes: int) -> _Scan:
    """Read the whole file once, holding one row at a time, so a file that cannot be read is refused
    before anything is written; rows over max_bytes are counted, not held."""
    if not is_corpus_file(path):
        raise ImportRefused("not a corpus file; save it as .csv, .tsv or .jsonl (one article per row)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused(exc.strerror or str(exc)) from None
    if size > MAX_CORPUS_BYTES:
        raise ImportRefused(f"file too large ({size // (1024 * 1024)} MiB; the limit is "
                            f"{MAX_CORPUS_BYTES // (1024 * 1024)} MiB); split it into smaller files")
    layout = layout_of(path)
    columns, rows = read_rows(path, layout, max_bytes=max_bytes)
    found: dict[str, None] = dict.fromkeys(columns)  # an ordered set: JSON keys in the order they first appear
    sample: list[dict[str, str]] = []
    count = 0
    for _name, values, _reason in rows:
        count += 1
        if values is None:
            continue
        if layout.kind == "jsonl":
            found.update(dict.fromkeys(values))
        if len(sample) < SAMPLE_ROWS:
            sample.append(values)
    if layout.kind == "jsonl" and not count:
        raise ImportRefused("holds no JSON objects; write one article per line and import again")
    # Column names become metadata field names, which have a length limit.
    too_long = next((c for c in found if len(c) > MAX_KEY_CHARS), None)
    if too_long is not None:
        raise ImportRefused(f"the column name ‘{too_long[:30]}…’ is longer than {MAX_KEY_CHARS} characters; "
                            "shorten it and import again")
    return _Scan(layout, list(found), sample, count)


# -- mapping ---------------------------------------------------------------------------


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)  # publishedAt -> published At
    return [t for t in re.split(r"[\W_]+", spaced.casefold()) if t]


def guess_mapping(columns: list[str]) -> ColumnMapping:
    """The likeliest role of each column by its name; text is "" when no column looks like the text.

    Whole names win over words inside names. Inside a name the last word says what
    the column holds ("source_url" is a url, "article_body" the text), so a column
    whose last word names one role is never guessed for another.
    """
    chosen: dict[str, str] = {}
    words = {column: _tokens(column) for column in columns}

    def free(role: str, test: Callable[[list[str], tuple[str, ...]], bool]) -> str | None:
        return next((c for c in columns if c not in chosen.values() and words[c] and test(words[c], _ROLE_NAMES[role])),
                    None)

    def head_role(tokens: list[str]) -> str | None:
        return next((role for role in ROLES if tokens[-1] in _ROLE_NAMES[role]), None)

    tests: list[Callable[[list[str], tuple[str, ...]], bool]] = [
        lambda tokens, names: "_".join(tokens) in names,
        lambda tokens, names: tokens[-1] in names,
        lambda tokens, names: head_role(tokens) is None and bool(set(tokens) & set(names)),
    ]
    for test in tests:
        for role in ROLES:
            if role not in chosen and (column := free(role, test)) is not None:
                chosen[role] = column
    return ColumnMapping(**{"text": "", **chosen})


def resolve_column(name: str, columns: list[str]) -> str:
    """A column named on the command line: exact, else ignoring case; ProjectError when absent."""
    if name in columns:
        return name
    matches = [c for c in columns if c.casefold() == name.strip().casefold()]
    if len(matches) == 1:
        return matches[0]
    raise ProjectError(f"There is no column ‘{name}’; the columns are: {', '.join(columns)}.")


# -- importing -------------------------------------------------------------------------


def import_corpus(project: ProjectLike, path: str | os.PathLike, mapping: ColumnMapping, *,
                  on_progress: ProgressCallback | None = None) -> CorpusReport:
    """Import every row as a document with metadata, BATCH_ROWS rows per transaction.

    on_progress(rows done, rows in all) runs after each batch is committed; returning
    False stops there, keeping the batches already done. Import is not an undoable
    edit (like importing a text file): it is as permanent as adding the file.
    """
    path = Path(path)
    max_bytes = import_limit(project)
    # Read through once before writing: a file that cannot be read as a whole changes nothing.
    scan = _scan(path, max_bytes)
    mapping.check(scan.columns)
    report = CorpusReport(path=path, total=scan.rows)
    source = storable(path.absolute())  # SQLite takes no lone surrogates from a name that is not UTF-8
    known: dict[str, str] = {}  # sha256 -> the row that brought it in this import
    passages: dict[int, list] = {}  # repeated passages, found while each text was at hand

    def remember(doc_id: int, text: str) -> None:  # fingerprinted now: the duplicate check reads nothing back
        found = fingerprint(text)
        project.duplicates.remember(doc_id, found)
        passages[doc_id] = found.passages
    _columns, rows = read_rows(path, scan.layout, max_bytes=max_bytes)
    while True:
        batch = list(itertools.islice(rows, BATCH_ROWS))
        if not batch:
            break
        saved = set(passages)
        try:
            with project.store.write(undoable=False) as db:
                added = [RowOutcome(row, "refused", reason) if values is None else
                         _import_row(db, row, values, mapping, scan.columns, source, scan.layout.encoding, known,
                                     remember, max_bytes)
                         for row, values, reason in batch]
                if any(o.status == "imported" for o in added):  # one event a batch: the list reloads once
                    project.store.notify(Change(ChangeKind.DOCUMENTS_ADDED))
        except (ProjectError, sqlite3.Error) as exc:
            if not is_disk_full(exc):
                raise
            # The batch rolled back whole; the batches before it are kept.
            for doc_id in set(passages) - saved:
                del passages[doc_id]
            # Rows refused for their size stay listed; the others count among those not imported.
            report.outcomes.extend(RowOutcome(row, "refused", reason) for row, values, reason in batch
                                   if values is None)
            report.disk_full = True
            break
        report.outcomes.extend(added)
        if on_progress is not None and on_progress(len(report.outcomes), report.total) is False:
            report.cancelled = len(report.outcomes) < report.total
            break
    rows.close()
    try:
        project.duplicates.scan(passages, passages=passages)  # imported rows; syndicated copies are common
    except (ProjectError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        report.disk_full = True  # the documents are saved; only their duplicate flags are not
    return report


def _import_row(db, row: str, values: dict[str, str], mapping: ColumnMapping, columns: list[str], source: str,
                encoding: str, known: dict[str, str], remember: Callable[[int, str], None],
                max_bytes: int) -> RowOutcome:
    text = values.get(mapping.text, "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return RowOutcome(row, "refused", f"no text in the column ‘{mapping.text}’; fill it in or remove the row")
    size = len(text.encode("utf-8"))
    if size > max_bytes:  # a row within the limit in characters can still be over it in bytes
        return RowOutcome(row, "refused", too_large_row(size, max_bytes))
    if "\x00" in text:
        return RowOutcome(row, "refused", "the text holds NUL characters; remove them and import again")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if sha in known:
        return RowOutcome(row, "skipped", f"same text as {known[sha]}")
    existing = db.execute("SELECT id, title FROM documents WHERE sha256 = ?", (sha,)).fetchone()
    if existing is not None:
        return RowOutcome(row, "skipped", f"same text as document {existing[0]} ‘{shown_text(existing[1])}’", existing[0])
    title = " ".join(values.get(mapping.title, "").split()) if mapping.title else ""
    title = title or detect_title(text)
    cursor = db.execute(
        "INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text) "
        "VALUES (?, ?, ?, ?, ?, 'todo', ?)",
        (title, f"{source}#{row}", sha, encoding, now(), text),
    )
    doc_id = cursor.lastrowid
    add_to_index(db, [(doc_id, title, text)])
    db.executemany("INSERT INTO document_metadata(document_id, key, value) VALUES (?, ?, ?)",
                   [(doc_id, key, value) for key, value in metadata_of(values, mapping, columns).items()])
    remember(doc_id, text)
    known[sha] = row
    return RowOutcome(row, "imported", document_id=doc_id)


def metadata_of(values: dict[str, str], mapping: ColumnMapping, columns: list[str]) -> dict[str, str]:
    """The metadata a row brings: the date, url, outlet and author roles, then the other columns.

    Empty cells store nothing. A column that no role took but that is named like a
    role's key keeps its value under "name (column)", so the role cannot overwrite it.
    """
    roles = mapping.roles()
    meta = {role: values.get(column, "").strip() for role, column in roles.items() if role in META_ROLES}
    if "date" in meta:
        meta["date"] = iso_date(meta["date"])  # one date format, so the list sorts and R reads it
    if mapping.keep_rest:
        for column in columns:
            if column in roles.values():
                continue
            key = f"{column} (column)" if column.casefold() in meta else column
            meta[key] = values.get(column, "").strip()
    return {key: value for key, value in meta.items() if value}
