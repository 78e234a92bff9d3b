"""Exact undo and redo for every edit, from an undo log kept by SQL triggers.

Temporary triggers write, for each row an edit inserts, updates or deletes, the
statement that puts the row back as it was. An edit's undo is those statements
run in reverse; running them logs the statements that redo it. So undo restores
the database exactly (same ids, same timestamps, cascaded rows included) for
every kind of edit, simple or composite, without each edit writing its own
inverse. The log lives in the connection's temp schema: it is per session and
never touches the project file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

# Tables whose rows edits change, and which columns the log restores. Document
# text never changes after import, so it is not copied into the log; documents
# are created by import, which is not an undoable edit, so only updates are logged.
TRACKED: dict[str, tuple[str, ...]] = {
    "labels": ("insert", "update", "delete"),
    "label_attributes": ("insert", "update", "delete"),
    "entities": ("insert", "update", "delete"),
    "entity_aliases": ("insert", "update", "delete"),
    "annotations": ("insert", "update", "delete"),
    "annotation_values": ("insert", "update", "delete"),
    "documents": ("update",),
    "document_metadata": ("insert", "update", "delete"),
    "document_flags": ("update",),  # dismissing a flag is an edit; finding flags is part of import
    "coders": ("insert", "update", "delete"),
    "variables": ("insert", "update", "delete"),
    "variable_choices": ("insert", "update", "delete"),
    "variable_values": ("insert", "update", "delete"),
    "coded_documents": ("insert", "update", "delete"),
}
UNLOGGED_COLUMNS = {"documents": {"text"}}


@dataclass
class Changeset:
    """The undo-log entries of one edit, first..last, and the change events it sent."""

    first: int
    last: int
    changes: list = field(default_factory=list)


def _columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], bool]:
    """The table's logged columns, and whether an INTEGER PRIMARY KEY aliases the rowid."""
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    pks = [row for row in info if row[5]]
    aliased = len(pks) == 1 and pks[0][2].upper() == "INTEGER"
    skip = UNLOGGED_COLUMNS.get(table, set())
    return [row[1] for row in info if row[1] not in skip], aliased


def install(conn: sqlite3.Connection) -> None:
    # AUTOINCREMENT: a sequence number is never reused, so an edit's range holds only its own entries.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undolog(seq INTEGER PRIMARY KEY AUTOINCREMENT, sql TEXT NOT NULL)")
    for table, events in TRACKED.items():
        columns, aliased = _columns(conn, table)
        quoted = "||','||".join(f"quote(OLD.\"{c}\")" for c in columns)
        names = ",".join(f'"{c}"' for c in columns)
        if not aliased:  # keep the hidden rowid too, so a restored row is the same row
            names, quoted = f"rowid,{names}", f"OLD.rowid||','||{quoted}"
        bodies = {
            "insert": ("AFTER INSERT", f"'DELETE FROM \"{table}\" WHERE rowid='||NEW.rowid"),
            "update": ("AFTER UPDATE", "'UPDATE \"" + table + "\" SET '||"
                       + "||','||".join(f"'\"{c}\"='||quote(OLD.\"{c}\")" for c in columns)
                       + "||' WHERE rowid='||OLD.rowid"),
            "delete": ("BEFORE DELETE", f"'INSERT INTO \"{table}\"({names}) VALUES('||{quoted}||')'"),
        }
        for event in events:
            when, statement = bodies[event]
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_{event} {when} ON main.\"{table}\" "
                f"BEGIN INSERT INTO undolog(sql) VALUES({statement}); END"
            )


def position(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM temp.sqlite_sequence WHERE name = 'undolog'").fetchone()
    return row[0] if row else 0


def revert(conn: sqlite3.Connection, changeset: Changeset) -> None:
    """Run a changeset's statements newest first, inside the caller's transaction.

    Restored parents and children arrive in reverse order of their deletion, so
    foreign keys are checked at commit, when every row is back.
    """
    conn.execute("PRAGMA defer_foreign_keys = ON")
    rows = conn.execute(
        "SELECT sql FROM temp.undolog WHERE seq BETWEEN ? AND ? ORDER BY seq DESC",
        (changeset.first, changeset.last),
    ).fetchall()
    conn.execute("DELETE FROM temp.undolog WHERE seq BETWEEN ? AND ?", (changeset.first, changeset.last))
    for (statement,) in rows:
        conn.execute(statement)


def forget(conn: sqlite3.Connection, first: int, last: int) -> None:
    conn.execute("DELETE FROM temp.undolog WHERE seq BETWEEN ? AND ?", (first, last))
