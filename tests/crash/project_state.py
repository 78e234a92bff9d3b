"""What the kill test compares: the analyst-visible state of a project, read with plain SQL.
Also how it reopens the project after a kill.

The editing child and the test both use it, so "what the child reported" and
"what the file holds" are the same shape: {table: {id: row or None}}, ids as
strings (the rows travel as JSON). A None row means "must not exist".
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from annotator.core.project import Project
from annotator.core.store.lock import ProjectLocked

State = dict[str, dict[str, Any]]
TABLES = ("annotations", "entities", "labels", "memos")


def read_state(conn: sqlite3.Connection) -> State:
    state: State = {table: {} for table in TABLES}
    values: dict[str, dict[str, str]] = {}
    for annotation_id, attribute_id, value in conn.execute(
        "SELECT annotation_id, attribute_id, value FROM annotation_values"
    ):
        values.setdefault(str(annotation_id), {})[str(attribute_id)] = value
    for row in conn.execute(
        "SELECT id, document_id, label_id, span_start, span_end, text, note, entity_id FROM annotations"
    ):
        key = str(row[0])
        state["annotations"][key] = {
            "document": row[1], "label": row[2], "start": row[3], "end": row[4], "text": row[5],
            "note": row[6], "entity": row[7], "values": values.get(key, {}),
        }
    for entity_id, name, label_id in conn.execute("SELECT id, name, label_id FROM entities"):
        state["entities"][str(entity_id)] = {"name": name, "label": label_id}
    for label_id, name in conn.execute("SELECT id, name FROM labels"):
        state["labels"][str(label_id)] = {"name": name}
    for doc_id, memo in conn.execute("SELECT id, memo FROM documents"):
        state["memos"][str(doc_id)] = memo
    return state


def apply(state: State, delta: State) -> State:
    """The state after a delta: each row given replaces the stored one; None removes it."""
    result = {table: dict(rows) for table, rows in state.items()}
    for table, rows in delta.items():
        for key, row in rows.items():
            if row is None:
                result[table].pop(key, None)
            else:
                result[table][key] = row
    return result


def resolve_new(delta: State, found: State, before: State) -> State | None:
    """Give the rows a delta calls "new" the ids the file gave them; None when that cannot be.

    A new row is the one row in `found` that `before` did not have.
    """
    resolved: State = {}
    for table, rows in delta.items():
        resolved[table] = {}
        for key, row in rows.items():
            if key != "new":
                resolved[table][key] = row
                continue
            added = set(found[table]) - set(before[table])
            if len(added) != 1:
                return None
            resolved[table][added.pop()] = row
    return resolved


def differences(expected: State, found: State, limit: int = 8) -> list[str]:
    lines = []
    for table in TABLES:
        for key in sorted(set(expected[table]) | set(found[table]), key=int):
            want, got = expected[table].get(key), found[table].get(key)
            if want != got:
                lines.append(f"{table} {key}: expected {want!r}, file has {got!r}")
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


def reopen(path: Path, wait: float = 30.0) -> Project:
    """Open the project as the next session would after the kill.

    A kill while the last session was writing its lock file leaves the file empty, and
    lock.py honours an empty lock for a few seconds (a live opener may be writing it),
    so wait that out, as an analyst retrying would; any lock with a holder fails at once.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            return Project(path, create=False)
        except ProjectLocked as exc:
            if exc.holder is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
