"""`annotator check`: is a project file whole, and does every row still keep the rules the core keeps?

The file is opened read-only and never migrated, so checking a damaged or older
project cannot make it worse. Only a -journal or -wal that a killed writer left beside
it is settled first, as any writer opening it would: judged without it, a sound file
looked damaged (a hot journal cannot be rolled back by a read-only connection).
Besides SQLite's own integrity and foreign-key checks, it looks for what only Annotator knows is wrong: a span whose stored
text no longer equals the document's text there, an annotation coded with a
group, a stance without a target, a value its attribute would refuse, and so on.
Each problem is one line that names the row, so an analyst can find it.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.coding.attributes import normalise
from annotator.core.coding.codebook_files import attribute_from_row
from annotator.core.common import lock_os
from annotator.core.common.errors import READ_ONLY, AnnotationError, ProjectError, storage_problem
from annotator.core.common.model import ATTRIBUTE_KINDS, LAYERS, STATUSES
from annotator.core.common.names import shown, shown_text
from annotator.core.corpus.documents import text_sha256
from annotator.core.safety.backup import make_backup
from annotator.core.search.index import check_shared_index, rebuild_index
from annotator.core.store import lock as project_lock
from annotator.core.store import schema
from annotator.core.store.database import Store
from annotator.core.store.pg.locations import describe, is_url

SQLITE_MAGIC = b"SQLite format 3\x00"
# Past this many problems of one kind, more lines tell the analyst nothing new.
SHOWN_PER_KIND = 20
_RESTORE = "restore a backup or ask for the last copy you exported"


@dataclass
class CheckReport:
    """What `check_project` found. error says why the file could not be read at all."""

    path: Path | str  # a file, or a shared project's address as shown (no password)
    error: str | None = None
    schema_version: int | None = None
    read_only: str | None = None  # why the file cannot be changed here, which a check never needs
    counts: dict[str, int] = field(default_factory=dict)
    passed: list[str] = field(default_factory=list)  # checks that found nothing, for the report
    problems: list[str] = field(default_factory=list)  # one line each, capped per kind
    problem_count: int = 0  # every problem, including those the cap left out
    _per_kind: Counter = field(default_factory=Counter, repr=False)

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def ok(self) -> bool:
        return self.readable and self.problem_count == 0

    @property
    def exit_code(self) -> int:
        """0 clean, 1 problems found, 2 the file cannot be read: what `annotator check` exits with."""
        return 2 if not self.readable else 1 if self.problem_count else 0

    def add(self, kind: str, line: str) -> None:
        self.problem_count += 1
        self._per_kind[kind] += 1
        if self._per_kind[kind] <= SHOWN_PER_KIND:
            self.problems.append(line)

    def _close_kinds(self) -> None:
        for kind, count in self._per_kind.items():
            if count > SHOWN_PER_KIND:
                self.problems.append(f"... and {count - SHOWN_PER_KIND:,} more: {kind}.")

    def lines(self) -> list[str]:
        lines = [f"Project: {shown(self.path)}"]
        if self.read_only is not None:
            lines.append(f"Read-only here: {self.read_only}; checked as it is, without changing it.")
        if self.schema_version is not None:
            lines.append(f"Schema: {self.schema_version}" + _version_note(self.schema_version))
        if self.counts:
            lines.append("Contents: " + _describe_counts(self.counts))
        lines.extend(self.passed)
        if self.problem_count:
            lines.append(f"{_plural(self.problem_count, 'problem')} found:")
            lines.extend(f"  - {problem}" for problem in self.problems)
        elif self.readable:
            lines.append("No problems found.")
        return lines


def check_project(path: str | Path) -> CheckReport:
    """Check a project file (or a shared project, given its URL) without changing it; never raises for a
    bad file, the report says."""
    if is_url(path):
        return _check_shared(str(path))
    report = CheckReport(Path(path))
    try:
        report.error = _unreadable(report.path)
        if report.error is None:
            report.read_only = lock_os.why_read_only(report.path)
            _settle(report.path)
            with closing(_open_read_only(report.path)) as conn:
                _check(conn, report)
    except sqlite3.DatabaseError as exc:
        if storage_problem(exc) == READ_ONLY:
            # A journal left by an interrupted write that only a writer can roll back: not damage.
            report.error = (f"{report.path} cannot be checked here: {exc}. An edit cut short left a journal "
                            f"beside it that must be rolled back first, and {report.path.parent} cannot be "
                            "written to. Open the project in Annotator where you may write to its folder, "
                            "or copy the project with its -journal/-wal file there, then check it again.")
        else:
            report.error = f"{report.path} cannot be read: {exc}. The file is damaged; {_RESTORE}."
    except OSError as exc:
        report.error = f"{report.path} cannot be read: {exc.strerror or exc}."
    report._close_kinds()
    return report


def _unreadable(path: Path) -> str | None:
    """Why the file is not an SQLite database at all, judged from its size and header."""
    if not path.exists():
        return f"No project file at {path}."
    if path.is_dir():
        return f"{path} is a folder, not a project file."
    size = path.stat().st_size
    if size == 0:
        return f"{path} is empty (0 bytes), not an Annotator project."
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        return f"{path} is not an Annotator project: it is not an SQLite database."
    if len(header) < 100:
        return f"{path} is truncated: only {size:,} bytes are left of it. {_RESTORE.capitalize()}."
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The header's page count is trustworthy only when it was written with the change counter,
    # and only without a -wal file: a checkpoint cut short by a crash writes page 1 before the
    # pages that grow the file, and the -wal still holds them all.
    whole = header[24:28] == header[92:96] and not Path(f"{path}-wal").exists()
    if whole and pages and pages * page_size > size:
        return (f"{path} is truncated: it holds {size:,} bytes, but its header says {pages * page_size:,}. "
                f"It cannot be opened or checked; {_RESTORE}.")
    return None


def _settle(path: Path) -> None:
    """Roll back or fold in what a killed writer left beside the file (a hot -journal, a -wal), as any
    writer opening it would first, so the check judges the file as it stands, not a half-done write.

    Only when nobody has the project open (its lock is taken for the moment) and it may be written;
    otherwise the check reads it as it is and says so if it cannot.
    """
    if not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal")):
        return
    if lock_os.why_read_only(path) is not None:
        return
    try:
        held = project_lock.acquire(path)
    except (project_lock.ProjectLocked, OSError):
        return  # a live writer's -wal is current; its reader sees the latest edits through it
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls back a hot journal
        finally:
            conn.close()  # the last connection folds the -wal into the file and removes it
    except sqlite3.DatabaseError:
        pass  # the check that follows names what is wrong
    finally:
        held.release()


def _open_read_only(path: Path) -> sqlite3.Connection:
    # Without a -wal or -journal beside it nobody has the file open and no crash left
    # changes to replay, so "immutable" reads it without creating -wal and -shm files
    # that a read-only connection could never remove. Otherwise those files hold the
    # latest edits, and a plain read-only connection reads them without writing the file.
    # Where no -shm can be made beside a -wal, read_only_uri reads it from a copy instead.
    if Path(f"{path}-wal").exists():
        uri = project_lock.read_only_uri(path)
    else:
        live = Path(f"{path}-journal").exists()
        uri = f"{path.resolve().as_uri()}?{'mode=ro' if live else 'mode=ro&immutable=1'}"
    conn = sqlite3.connect(uri, uri=True)
    # Damaged bytes inside a text become U+FFFD, so the row they are in is named (its
    # fingerprint no longer matches) instead of the whole check stopping there.
    conn.text_factory = lambda data: data.decode("utf-8", errors="replace")
    return conn


def _check(conn: sqlite3.Connection, report: CheckReport) -> None:
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        report.error = f"{report.path} is an empty SQLite database, not an Annotator project."
        return
    if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
        report.error = f"{report.path} belongs to another application, not Annotator; choose an Annotator project."
        return
    version = schema.user_version(conn)
    report.schema_version = version
    _check_sqlite(conn, report)
    if "documents_fts" in tables:
        from annotator.core.search.index import check_index  # a connection of its own: see there why

        fine, line = check_index(report.path)
        if fine is False:
            report.add("search index", line)
        else:
            report.passed.append(line)
    if version > schema.SCHEMA_VERSION:
        report.add("newer schema", f"The project was made by a newer Annotator (schema {version}); only SQLite's "
                   "own checks ran. Update Annotator to check the rest.")
        return
    _check_content(conn, tables, report)


def _check_shared(url: str) -> CheckReport:
    """A shared project, on its server as of one moment (no copy is pulled): the server's keys and constraints
    as they stand, the same rules as a file's rows, and the server's search words against the documents."""
    from annotator.core.store.pg import integrity  # psycopg loads only for a shared project
    from annotator.core.store.pg.server_schema import SERVER_SCHEMA_VERSION

    report = CheckReport(describe(url))
    try:
        conn = integrity.open_for_check(url)
    except sqlite3.Error as exc:
        report.error = (f"{report.path} cannot be checked: {exc}. Check the address, that the server is running "
                        "and that you may log in.")
        return report
    try:
        if not integrity.is_project(conn):
            report.error = f"{report.path} holds no Annotator project."
            return report
        server_version, version = integrity.versions(conn)
        report.schema_version = version
        report.passed.append("Storage: kept by the PostgreSQL server (SQLite's file integrity check does not "
                             "apply to a shared project)")
        if server_version > SERVER_SCHEMA_VERSION or version > schema.SCHEMA_VERSION:
            report.add("newer schema", f"The project was set up by a newer Annotator (server schema "
                       f"{server_version}, schema {version}). Update Annotator to check it.")
            return report
        _check_shared_keys(conn, integrity, report)
        tables = {name for (name,) in conn.execute_native(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")}
        _check_content(conn, tables, report)
        # Last: a statement that fails on the server ends its transaction, and this one may (an old server).
        fine, line = check_shared_index(conn)
        if fine is False:
            report.add("search index", line)
        else:
            report.passed.append(line)
    except sqlite3.Error as exc:
        report.error = f"{report.path} could not be checked to the end: {exc}."
    finally:
        conn.close()
        report._close_kinds()
    return report


def _check_shared_keys(conn, integrity, report: CheckReport) -> None:
    before = report.problem_count
    for table, row, column, value, parent in integrity.dangling_keys(conn):
        report.add("foreign keys", f"{table} row {row}: {column} = {shown_text(value)} points to no row in {parent}.")
    for table, constraint in integrity.unvalidated(conn):
        report.add("foreign keys", f"{table}: the constraint {constraint} was added without checking the rows "
                   "already there (NOT VALID); the server does not vouch for them.")
    if report.problem_count == before:
        report.passed.append("Foreign keys: ok")


def _check_content(conn: sqlite3.Connection, tables: set[str], report: CheckReport) -> None:
    """Annotator's own rules, on either engine's connection."""
    _count(conn, tables, report)
    before = report.problem_count
    labels = _check_codebook(conn, tables, report)
    _check_documents(conn, labels, report)
    if "annotation_values" in tables:
        _check_values(conn, labels, report)
    if "entities" in tables:
        _check_entities(conn, labels, report)
    if "coders" in tables:
        unowned = conn.execute("SELECT count(*) FROM annotations WHERE coder_id IS NULL").fetchone()[0]
        if unowned:
            report.add("coders", f"{unowned:,} annotation{'s' * (unowned != 1)} belong{'s' * (unowned == 1)} to no "
                       "coder (written by a tool that bypassed Annotator); every annotation must be a coder's.")
    if report.problem_count == before:
        report.passed.append("Annotator's rules (spans, labels, roles, values): ok")


def _check_sqlite(conn: sqlite3.Connection, report: CheckReport) -> None:
    # SQLite may put several findings in one row, under a "*** in database main ***" heading.
    found = [line for (row,) in conn.execute("PRAGMA integrity_check(100)") for line in str(row).splitlines()
             if line.strip() and not line.startswith("***")]
    if found == ["ok"]:
        report.passed.append("SQLite integrity check: ok")
    for line in found if found != ["ok"] else ():
        report.add("integrity", f"SQLite integrity check: {line}")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not broken:
        report.passed.append("Foreign keys: ok")
    for table, rowid, parent, fk_id in broken:
        column = next((row[3] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")') if row[0] == fk_id), "?")
        value = None
        if rowid is not None:
            value = conn.execute(f'SELECT "{column}" FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
        found = shown_text(str(value[0])) if value else "?"
        report.add("foreign keys", f"{table} row {rowid}: {column} = {found} points to no row in {parent}.")


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def _select(conn: sqlite3.Connection, table: str, wanted: list[str], rest: str = "",
            params: tuple = ()) -> list[tuple]:
    """Select columns an older schema may lack; the missing ones read as NULL."""
    have = _columns(conn, table)
    listed = ", ".join(name if name in have else f"NULL AS {name}" for name in wanted)
    return conn.execute(f'SELECT {listed} FROM "{table}" {rest}', params).fetchall()


@dataclass(frozen=True)
class _Label:
    name: str
    layer: str
    parent_id: int | None
    is_group: bool


def _check_codebook(conn: sqlite3.Connection, tables: set[str], report: CheckReport) -> dict[int, _Label]:
    labels = {row[0]: _Label(row[1], row[2], row[3], bool(row[4]))
              for row in _select(conn, "labels", ["id", "name", "layer", "parent_id", "is_group"])}
    for label_id, label in labels.items():
        name = f"Label {label_id} {_quote(label.name)}"
        if label.layer not in LAYERS:
            report.add("codebook", f"{name} is in an unknown layer {_quote(label.layer)}.")
        parent = labels.get(label.parent_id) if label.parent_id is not None else None
        if parent is not None and not parent.is_group:
            report.add("codebook", f"{name} sits under {_quote(parent.name)}, which is a label, not a group.")
        if parent is not None and parent.layer != label.layer:
            report.add("codebook",
                       f"{name} ({label.layer}) sits under {_quote(parent.name)}, a {parent.layer} group.")
        seen, step = {label_id}, label.parent_id
        while step is not None and step in labels:
            if step in seen:
                report.add("codebook", f"{name}: the groups above it form a loop.")
                break
            seen.add(step)
            step = labels[step].parent_id
    if "label_attributes" in tables:
        attributes = conn.execute("SELECT id, label_id, name, kind FROM label_attributes ORDER BY id")
        for attribute_id, label_id, name, kind in attributes:
            owner = labels.get(label_id)
            if kind not in ATTRIBUTE_KINDS:
                report.add("codebook",
                           f"Attribute {attribute_id} {_quote(name)} has an unknown kind {_quote(kind)}.")
            if owner is not None and owner.is_group:
                report.add("codebook", f"Attribute {attribute_id} {_quote(name)} belongs to the group "
                           f"{_quote(owner.name)}; groups tag nothing, so it can never be filled in.")
    return labels


_ANNOTATION_COLUMNS = ["id", "label_id", "span_start", "span_end", "text", "target", "target_entity_id", "entity_id",
                       "source", "source_entity_id", "holder", "holder_entity_id", "cue_start", "cue_end"]


def _check_documents(conn: sqlite3.Connection, labels: dict[int, _Label], report: CheckReport) -> None:
    documents = conn.execute("SELECT id, title, sha256, status FROM documents ORDER BY id").fetchall()
    for doc_id, title, sha256, status in documents:
        # One text at a time: a corpus's texts need not fit in memory together.
        found = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        text = found[0] if found else None
        where = f"document {doc_id} {_quote(title)}"
        if not isinstance(text, str):
            report.add("documents", f"The text of {where} is missing or not text.")
            continue
        if text_sha256(text) != sha256:
            report.add("documents", f"The text of {where} no longer matches the fingerprint taken when it "
                       "was imported: it was changed outside Annotator, and its spans may point at the wrong words.")
        if status not in STATUSES:
            report.add("documents", f"The status of {where} is {_quote(status)}, not one of {', '.join(STATUSES)}.")
        for row in _select(conn, "annotations", _ANNOTATION_COLUMNS, "WHERE document_id = ? ORDER BY id", (doc_id,)):
            _check_annotation(dict(zip(_ANNOTATION_COLUMNS, row)), text, where, labels, report)


def _check_annotation(row: dict, text: str, where: str, labels: dict[int, _Label], report: CheckReport) -> None:
    label = labels.get(row["label_id"])
    name = f"Annotation {row['id']}" + (f" ({shown_text(label.name)})" if label else "") + f" in {where}"
    start, end = row["span_start"], row["span_end"]
    if (start is None) != (end is None):
        report.add("spans", f"{name} has a start or an end but not both ({start}-{end}).")
    elif start is not None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            report.add("spans", f"{name}: its span {start}-{end} lies outside the document (0-{len(text)}).")
        elif row["text"] != text[start:end]:
            report.add("spans", f"{name}: its stored text {_quote(row['text'])} no longer equals the document's "
                       f"text at {start}-{end}, {_quote(text[start:end])}.")
    cue_start, cue_end = row["cue_start"], row["cue_end"]
    if (cue_start is None) != (cue_end is None):
        report.add("spans", f"{name} has half an attribution cue ({cue_start}-{cue_end}).")
    elif cue_start is not None and not (isinstance(cue_start, int) and isinstance(cue_end, int)
                                        and 0 <= cue_start < cue_end <= len(text)):
        report.add("spans", f"{name}: its attribution cue {cue_start}-{cue_end} lies outside the document.")
    if label is None:
        return  # the foreign-key check names the missing label
    if label.is_group:
        report.add("labels", f"{name} is coded with the group {_quote(label.name)}, which only organises labels.")
    if start is None and label.layer != "stance":
        report.add("labels", f"{name} codes the whole document, which only stance labels may.")
    if label.layer == "stance" and row["target"] is None and row["target_entity_id"] is None:
        report.add("roles", f"{name} is a stance without a target.")
    misplaced = [f"{role} (only {layer} annotations have one)" for role, layer, columns in _ROLE_COLUMNS
                 if label.layer != layer and any(row[column] is not None for column in columns)]
    if misplaced:
        report.add("roles", f"{name} has {' and '.join(misplaced)}.")


_ROLE_COLUMNS = [
    ("an entity link", "entity", ("entity_id",)),
    ("a source", "claim", ("source", "source_entity_id")),
    ("an attribution cue", "claim", ("cue_start",)),
    ("a target", "stance", ("target", "target_entity_id")),
    ("a holder", "stance", ("holder", "holder_entity_id")),
]


def _check_values(conn: sqlite3.Connection, labels: dict[int, _Label], report: CheckReport) -> None:
    rows = conn.execute(
        "SELECT v.annotation_id, a.label_id, v.value, la.id, la.label_id, la.name, la.kind, la.choices, la.required, "
        "la.description, la.sort_order FROM annotation_values v JOIN annotations a ON a.id = v.annotation_id "
        "JOIN label_attributes la ON la.id = v.attribute_id ORDER BY v.annotation_id, la.id"
    )
    for annotation_id, label_id, value, *attribute_row in rows:
        _attribute_id, owner_id, attribute_name, kind = attribute_row[:4]
        labelled = labels.get(label_id)
        name = f"Annotation {annotation_id}" + (f" ({shown_text(labelled.name)})" if labelled else "")
        if owner_id != label_id:
            owner = labels.get(owner_id)
            report.add("values", f"{name} has a value for {_quote(attribute_name)}, an attribute of "
                       f"{_quote(owner.name if owner else '?')}, but is labelled "
                       f"{_quote(labelled.name if labelled else '?')}.")
            continue
        try:
            fits = normalise(attribute_from_row(attribute_row), value) == value
        except (AnnotationError, ValueError, TypeError):
            fits = False
        if not fits:
            report.add("values", f"{name}: the value {_quote(str(value))} does not fit the "
                       f"{_KIND_WORDS.get(kind, kind)} attribute {_quote(attribute_name)}.")


_KIND_WORDS = {"bool": "yes/no"}


def _check_entities(conn: sqlite3.Connection, labels: dict[int, _Label], report: CheckReport) -> None:
    for entity_id, name, label_id in conn.execute("SELECT id, name, label_id FROM entities ORDER BY id"):
        label = labels.get(label_id)
        if label is not None and (label.layer != "entity" or label.is_group):
            report.add("entities", f"Entity {entity_id} {_quote(name)} has the type {_quote(label.name)}, "
                       "which is not an entity label.")


def _count(conn: sqlite3.Connection, tables: set[str], report: CheckReport) -> None:
    def count(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    counts = report.counts
    counts["documents"] = count("SELECT count(*) FROM documents")
    counts["annotations"] = count("SELECT count(*) FROM annotations")
    counts["whole-document annotations"] = count("SELECT count(*) FROM annotations WHERE span_start IS NULL")
    grouped = "is_group" in _columns(conn, "labels")
    counts["groups"] = count("SELECT count(*) FROM labels WHERE is_group != 0") if grouped else 0
    counts["labels"] = count("SELECT count(*) FROM labels") - counts["groups"]
    for table, key in (("label_attributes", "attributes"), ("annotation_values", "attribute values"),
                       ("entities", "entities"), ("entity_aliases", "aliases")):
        if table in tables:
            counts[key] = count(f"SELECT count(*) FROM {table}")


def _describe_counts(counts: dict[str, int]) -> str:
    parts = [_plural(counts.get("documents", 0), "document"),
             _plural(counts.get("annotations", 0), "annotation")
             + f" ({counts.get('whole-document annotations', 0):,} on whole documents)",
             _plural(counts.get("labels", 0), "label") + f" in {_plural(counts.get('groups', 0), 'group')}"]
    if "attributes" in counts:
        values = _plural(counts["attribute values"], "value")
        parts.append(_plural(counts["attributes"], "attribute") + f" with {values}")
    if "entities" in counts:
        parts.append(_plural(counts["entities"], "entity", "entities")
                     + f" with {_plural(counts['aliases'], 'alias', 'aliases')}")
    return "; ".join(parts)


def _version_note(version: int) -> str:
    if version == schema.SCHEMA_VERSION:
        return " (current)"
    if version < schema.SCHEMA_VERSION:
        return f" (older: Annotator brings it to schema {schema.SCHEMA_VERSION} when it opens it)"
    return f" (newer than this Annotator, which knows schema {schema.SCHEMA_VERSION})"


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def _quote(text: object, limit: int = 40) -> str:
    """Text from the file, short, in quotation marks; or quoted with escapes when it holds a control character."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    safe = shown_text(flat)
    return f"“{flat}”" if safe == flat else safe


def repair(path: str | Path) -> int:
    """`annotator check --repair`: rebuild a project's search index, refused while another Annotator has it open.

    Returns how many documents were indexed.
    """
    if is_url(path):
        return _repair_shared(str(path))
    try:
        store = Store(Path(path), create=False, backup=make_backup)
    except project_lock.ProjectLocked as exc:
        raise ProjectError(f"{exc} Close it there and run check --repair again; nothing was changed.") from None
    with closing(store):
        rebuild_index(store)
        return store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _repair_shared(url: str) -> int:
    """Fold a shared project's search words again from its documents, on the server (an owner's job)."""
    from annotator.core.store.pg.shared import SharedStore

    store = SharedStore(url)
    with closing(store):
        rebuild_index(store)
        return store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
