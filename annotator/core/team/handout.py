"""Hand a coder their own project file: the corpus (or a sample of it) and the codebook, none of anyone's codes.

The file is built under a partial name beside its target and renamed into place once whole
(common/partial_files.py), so a coder never receives half a project. It is a new project
made by this schema, filled by copying rows from the lead's file through SQLite itself:

- documents (all, a sample, or the given ids) keep their ids, so the lead and the coder
  speak of "document 12" alike, with their metadata and duplicate-check keys; their status
  starts at todo and their memo empty (the lead's progress and notes would steer a coder
  who should code blind);
- the codebook whole: labels, groups, attributes, document variables and their choices;
- the entity registry: it is shared knowledge of who is who, not anybody's coding, and
  coders who link the same people to the same entries are what the agreement of entity
  links measures (a coder may still add entries; merge brings them back by name);
- no annotation, attribute value, answer or coded mark, and no coder but the one the file
  is for. That coder is recorded as the one the file was handed out to (HANDED_OUT_TO in
  project_info), which makes them its current coder when it is opened (coders.Coders).

A sample is drawn by ranking each document by sha256(seed, its text's hash): the same
sample size and seed choose the same texts on any machine and any Python, whatever the
documents' ids in a given copy of the corpus.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from annotator.core.coding.coders import HANDED_OUT_TO, clean_coder_name
from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.partial_files import partial_path, sweep
from annotator.core.common.protocols import ProjectLike
from annotator.core.store import lock, schema

# Tables copied whole: the codebook and the entity registry (see the module's docstring).
_SHARED = ("labels", "label_attributes", "variables", "variable_choices", "entities", "entity_aliases")
# Per-document rows copied for the chosen documents.
_PER_DOCUMENT = ("document_metadata", "document_fingerprints")
# Columns of a handed-out document that start afresh rather than carry the lead's state.
_FRESH_DOCUMENT = {"status": "'todo'", "memo": "''"}


@dataclass(frozen=True)
class Handout:
    path: Path
    coder: str
    document_ids: tuple[int, ...]
    seed: str | None  # the seed a sample was drawn with (one is chosen when none was given)


def handout(project: ProjectLike, coder: str, out_path: str | os.PathLike, *, sample: int | None = None,
            seed: str | int | None = None, documents: list[int] | None = None) -> Handout:
    """Write a project file for `coder` at out_path: whole or not at all; never over an existing file."""
    name = clean_coder_name(coder)
    gold = project.coders.gold()
    if gold is not None and fold(gold.name) == fold(name):
        raise ProjectError(f"{name!r} is the name of the project's gold layer (the adjudicated codes); "
                           "give the coder their own name.")
    out = Path(out_path)
    _check_out(project, out)
    if sample is not None and documents is not None:
        raise ProjectError("Hand out either a sample or a list of documents, not both.")
    drawn_with = None
    if sample is not None:
        drawn_with = str(seed) if seed is not None and str(seed).strip() else str(secrets.randbelow(1_000_000))
        ids = sample_ids(project, sample, drawn_with)
    elif documents is not None:
        ids = _given_ids(project, documents)
    else:
        ids = [row[0] for row in project.store.query("SELECT id FROM documents ORDER BY id")]
        if not ids:
            raise ProjectError("The project has no documents to hand out; import some first.")
    sweep(out.parent)
    tmp = partial_path(out)
    try:
        _build(project, tmp, name, ids)
        if out.exists():  # appeared while we wrote: someone else's file, never replaced
            raise ProjectError(f"{out} appeared while the file was being written; nothing was replaced. "
                               "Choose another name.")
        os.replace(tmp, out)
    except BaseException as exc:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise ProjectError(f"Could not write {out} ({exc}); nothing was written.") from exc
        if isinstance(exc, OSError):
            raise ProjectError(f"Could not write {out} ({exc.strerror or exc}); nothing was written.") from exc
        raise
    return Handout(out, name, tuple(ids), drawn_with)


def sample_ids(project: ProjectLike, size: int, seed: str | int) -> list[int]:
    """The ids of a reproducible random sample of `size` documents (see the module's docstring), sorted."""
    count = project.store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ProjectError(f"A sample needs at least one document; {size!r} is not a number of documents.")
    if size > count:
        raise ProjectError(f"The project has {count:,} document{'s' * (count != 1)}, fewer than the sample of "
                           f"{size:,}; hand out all of them or a smaller sample.")

    def rank(row: tuple[int, str, int]) -> tuple[str, int]:
        # The twin number tells copies of one text apart (schema v7); the id only breaks ties.
        return hashlib.sha256(f"{seed}\0{row[1]}\0{row[2]}".encode()).hexdigest(), row[0]

    rows = project.store.query("SELECT id, sha256, twin FROM documents")
    return sorted(row[0] for row in sorted(rows, key=rank)[:size])


def _given_ids(project: ProjectLike, documents: list[int]) -> list[int]:
    wanted = sorted(set(documents))
    if not wanted:
        raise ProjectError("No documents were given to hand out.")
    known = {row[0] for row in project.store.query(
        f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(wanted))})", tuple(wanted))} \
        if len(wanted) < 30_000 else {row[0] for row in project.store.query("SELECT id FROM documents")}
    missing = [doc_id for doc_id in wanted if doc_id not in known]
    if missing:
        shown = ", ".join(str(doc_id) for doc_id in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise ProjectError(f"There is no document {shown} in the project; `annotator search` or the coding "
                           "table lists their ids. Nothing was written.")
    return wanted


def _check_out(project: ProjectLike, out: Path) -> None:
    if out.exists():
        what = "a folder" if out.is_dir() else "a file"
        raise ProjectError(f"{out} is already {what}; choose a new file name (a coder's file is never "
                           "overwritten, it may hold their work).")
    if not out.parent.is_dir():
        raise ProjectError(f"There is no folder {out.parent}; create it or choose another place.")
    # A shared project is no file here: its path is only a name, which a new file may well bear.
    if project.store.engine == "sqlite" and out.resolve() == project.path.resolve():
        raise ProjectError("The coder's file must be a new file, not the project itself.")


def _build(project: ProjectLike, path: Path, coder: str, ids: list[int]) -> None:
    import sqlite_utils

    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rwc", uri=True, isolation_level=None)
    try:
        schema.migrate(sqlite_utils.Database(conn))
        shared = project.store.engine != "sqlite"
        if not shared:
            conn.execute("ATTACH DATABASE ? AS lead", (lock.read_only_uri(project.path),))
        conn.execute("BEGIN")
        if shared:
            # A shared project's rows come over its own connection, read as of one moment.
            with project.store.snapshot():
                _copy_shared(conn, project.store.conn, ids)
        else:
            conn.execute("CREATE TEMP TABLE chosen(id INTEGER PRIMARY KEY)")
            conn.executemany("INSERT INTO chosen(id) VALUES (?)", ((doc_id,) for doc_id in ids))
            for table in _SHARED:
                _copy(conn, table)
            _copy(conn, "documents", "WHERE id IN (SELECT id FROM temp.chosen)", _FRESH_DOCUMENT)
            for table in _PER_DOCUMENT:
                _copy(conn, table, "WHERE document_id IN (SELECT id FROM temp.chosen)")
        conn.execute("INSERT INTO main.documents_fts(rowid, title, text) SELECT id, title, text FROM main.documents")
        conn.execute("INSERT INTO main.coders(name) VALUES (?)", (coder,))
        conn.execute("INSERT INTO main.project_info(key, value) VALUES (?, ?)", (HANDED_OUT_TO, coder))
        broken = conn.execute("PRAGMA main.foreign_key_check").fetchall()
        if broken:  # the lead's own file is inconsistent; `annotator check` says where
            raise ProjectError(f"The project's rows do not hang together ({broken[0]!r}); run `annotator check` "
                               "on it first. Nothing was written.")
        conn.execute("COMMIT")
        if not shared:
            conn.execute("DETACH DATABASE lead")
    finally:
        conn.close()
    with open(path, "rb+") as f:  # on disk before the rename makes it the coder's file
        os.fsync(f.fileno())


def _copy(conn: sqlite3.Connection, table: str, where: str = "", fresh: dict[str, str] | None = None) -> None:
    """INSERT the lead's rows into the new file's table, column by name (both files are this schema)."""
    columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
    chosen = ", ".join((fresh or {}).get(column, f'"{column}"') for column in columns)
    listed = ", ".join(f'"{column}"' for column in columns)
    conn.execute(f"INSERT INTO main.{table}({listed}) SELECT {chosen} FROM lead.{table} {where}")


# Documents come from a server this many at a time, so a big corpus is never held whole.
_SHARED_CHUNK = 500


def _copy_shared(conn: sqlite3.Connection, source, ids: list[int]) -> None:
    """_copy's work when the lead is a shared project: its rows read through `source`, written here."""
    for table in _SHARED:
        _copy_rows(conn, source, table)
    for at in range(0, len(ids), _SHARED_CHUNK):
        chunk = json.dumps(ids[at:at + _SHARED_CHUNK])
        _copy_rows(conn, source, "documents", "WHERE id IN (SELECT value FROM json_each(?))", (chunk,),
                   _FRESH_DOCUMENT)
        for table in _PER_DOCUMENT:
            _copy_rows(conn, source, table, "WHERE document_id IN (SELECT value FROM json_each(?))", (chunk,))


def _copy_rows(conn: sqlite3.Connection, source, table: str, where: str = "", params: tuple = (),
               fresh: dict[str, str] | None = None) -> None:
    columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
    chosen = ", ".join((fresh or {}).get(column, f'"{column}"') for column in columns)
    listed = ", ".join(f'"{column}"' for column in columns)
    rows = source.execute(f'SELECT {chosen} FROM "{table}" {where}', params).fetchall()
    conn.executemany(f"INSERT INTO main.{table}({listed}) VALUES ({', '.join('?' * len(columns))})", rows)
