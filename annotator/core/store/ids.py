"""New row ids a caller assigns itself (to insert rows and the rows pointing at them in batches).

On a project file the next free id is the largest plus one: one writer holds the file. On a
shared project other coders insert at the same moment, and their rows take ids from the
table's identity sequence; an id chosen as max + 1 would collide with one of theirs, and
would leave the sequence behind to hand that id out again. There the ids come from the
sequence itself.
"""

from __future__ import annotations

from collections.abc import Callable


def id_source(db, table: str) -> Callable[[], int]:
    """A function giving a new id of `table` at each call, within the caller's write."""
    if getattr(db, "engine", "sqlite") == "postgresql":
        # Through the server's function: a coder may insert rows, not use the sequence directly.
        return lambda: db.execute_native("SELECT annotator_new_ids(%s, 1)", (table,)).fetchone()[0]
    # The table name is the caller's constant, never user text.
    following = [db.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]]

    def take() -> int:
        following[0] += 1
        return following[0] - 1

    return take
