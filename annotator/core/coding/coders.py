"""Coders: who codes in a project. Every annotation (whole-document codes included, and so the
attribute values on it) and every codesheet answer belongs to one coder.

The current coder is a name, not a row: the name in Preferences (the login name until one
is set, or what `--coder` gives a command); in a file handed out to a coder, that coder; on a
shared project, the database login (the server's roles tie a coder to it, store/pg/roles.py).
Its row is added by the first edit it writes, in that edit's own transaction, so opening a
project writes nothing and undoing a coder's first annotation takes the new coder away with it.

The gold layer is a coder row of kind 'gold' (one per project, named GOLD_NAME, or
GOLD_FALLBACK_NAME when a person is already called that): the adjudicated codes. It is left
out of list() and count(), which agreement and hand-out read, unless asked for; it is added,
like any coder, by the first edit written as gold. Setting writing_gold makes the current
coder the gold layer, so every edit the window or a command makes is written as gold.
"""

from __future__ import annotations

import getpass
import sqlite3

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import Coder
from annotator.core.store.database import Change, ChangeKind, Store
from annotator.core.store.schema import UNSIGNED_CODER

MAX_NAME_LENGTH = 100  # as Preferences allows for the annotator name
GOLD_NAME = "gold"
GOLD_FALLBACK_NAME = "gold (adjudicated)"
_COLUMNS = "id, name, kind = 'gold'"
# project_info key naming the coder a file was handed out to (team/handout.py): that file's current coder.
HANDED_OUT_TO = "handed_out_to"


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes and services
        return UNSIGNED_CODER


def clean_coder_name(name: object) -> str:
    """A coder's name as stored (spacing tidied), or a ProjectError saying what to change."""
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned:
        raise ProjectError("A coder needs a name, e.g. initials or a login name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ProjectError(f"Keep a coder's name under {MAX_NAME_LENGTH} characters; initials are enough.")
    return cleaned


class Coders:
    def __init__(self, store: Store):
        self._store = store
        # A coder's own file codes as that coder, whoever's login opens it.
        self.current_name = self.fixed_name or default_annotator()
        self.writing_gold = False

    @property
    def current_name(self) -> str:
        """The name edits are signed with: the person's (Preferences, --coder), or the gold layer's
        while writing_gold. Setting it sets the person's name and leaves writing_gold as it is."""
        return self.gold_name() if self.writing_gold else self._person

    @current_name.setter
    def current_name(self, name: str) -> None:
        self._person = name

    @property
    def person_name(self) -> str:
        """Who is at the keyboard, also while they write as gold."""
        return self._person

    @property
    def fixed_name(self) -> str | None:
        """The name this project codes under whoever's Preferences say otherwise: the coder a file was
        handed out to, or on a shared project the database login (the server lets a coder write only
        the coder row named like their login); None when the person chooses."""
        return self.handed_out_to or getattr(self._store, "login", None)

    @property
    def handed_out_to(self) -> str | None:
        """The coder this file was handed out to (`annotator handout`), or None for any other project."""
        return self._store.info(HANDED_OUT_TO) or None

    # -- reading ---------------------------------------------------------------

    def list(self, *, include_gold: bool = False) -> list[Coder]:
        """Every coder, in the order they joined the project; the gold layer only when asked, last."""
        where = "" if include_gold else "WHERE kind = 'coder'"
        return [self._coder(row) for row in self._store.query(
            f"SELECT {_COLUMNS} FROM coders {where} ORDER BY kind = 'gold', id")]

    def count(self, *, include_gold: bool = False) -> int:
        where = "" if include_gold else "WHERE kind = 'coder'"
        return self._store.conn.execute(f"SELECT count(*) FROM coders {where}").fetchone()[0]

    def gold(self) -> Coder | None:
        """The gold layer's row, or None until something is written as gold."""
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM coders WHERE kind = 'gold'").fetchone()
        return None if row is None else self._coder(row)

    def gold_name(self) -> str:
        """What the gold layer is (or will be) called: GOLD_NAME, unless a person already has that name."""
        found = self.gold()
        if found is not None:
            return found.name
        taken = self._store.conn.execute("SELECT 1 FROM coders WHERE lower(name) = ?", (GOLD_NAME,)).fetchone()
        return GOLD_FALLBACK_NAME if taken else GOLD_NAME

    def get(self, coder_id: int) -> Coder:
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM coders WHERE id = ?", (coder_id,)).fetchone()
        if row is None:
            raise ProjectError(f"There is no coder {coder_id}.")
        return self._coder(row)

    def by_name(self, name: str) -> Coder | None:
        """The coder of that name (the gold layer too); spacing and case aside when no name matches exactly."""
        wanted = " ".join(name.split()) if isinstance(name, str) else ""
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM coders WHERE name = ?", (wanted,)).fetchone()
        if row is not None:
            return self._coder(row)
        return next((coder for coder in self.list(include_gold=True) if fold(coder.name) == fold(wanted)),
                    None) if wanted else None

    def named(self, name: str) -> Coder:
        """by_name, or a ProjectError listing the coders there are."""
        coder = self.by_name(name)
        if coder is None:
            known = ", ".join(c.name for c in self.list()) or "none yet"
            raise ProjectError(f"No coder is called {name!r}; the project's coders are: {known}.")
        return coder

    @property
    def current(self) -> Coder | None:
        """The current coder's row (the gold layer's while writing_gold), or None until they have coded here."""
        if self.writing_gold:
            return self.gold()
        return self.by_name(self._current_clean())

    # -- writing ---------------------------------------------------------------

    def add(self, name: str) -> Coder:
        """A new coder, as one edit; a name another coder has (case aside) is refused."""
        cleaned = clean_coder_name(name)
        self._refuse_taken(cleaned)
        with self._store.write() as db:
            coder_id = self._insert(db, cleaned)
        return self.get(coder_id)

    def rename(self, coder_id: int, name: str) -> Coder:
        """Give a coder another name; the annotations signed with the old name follow, as one edit."""
        old = self.get(coder_id)
        if old.is_gold:
            raise ProjectError("The gold layer keeps its name, so exports always call it gold; rename a coder instead.")
        cleaned = clean_coder_name(name)
        if cleaned == old.name:
            return old
        self._refuse_taken(cleaned, coder_id)
        with self._store.write() as db:
            db.execute("UPDATE coders SET name = ? WHERE id = ?", (cleaned, coder_id))
            db.execute("UPDATE annotations SET annotator = ? WHERE coder_id = ? AND annotator = ?",
                       (cleaned, coder_id, old.name))
            self._store.notify(Change(ChangeKind.CODERS_CHANGED))
        if fold(self._person) == fold(old.name):
            self._person = cleaned
        return self.get(coder_id)

    def current_id(self, db: sqlite3.Connection) -> int:
        """The current coder's id, adding the coder inside the caller's write if they are new."""
        if self.writing_gold:
            return self.gold_id(db)
        name = self._current_clean()
        if name == getattr(self._store, "login", None):
            # The server lets a login write only the coder row named exactly like it (store/pg/roles.py),
            # not one that matches with case aside, as by_name would find.
            row = db.execute("SELECT id FROM coders WHERE name = ? AND kind = 'coder'", (name,)).fetchone()
            return row[0] if row is not None else self._insert(db, name)
        return self.id_for(db, name)

    def gold_id(self, db: sqlite3.Connection) -> int:
        """The gold layer's id, adding it inside the caller's write if nothing was written as gold yet."""
        found = self.gold()
        if found is not None:
            return found.id
        coder_id = db.execute("INSERT INTO coders(name, kind) VALUES (?, 'gold')", (self.gold_name(),)).lastrowid
        self._store.notify(Change(ChangeKind.CODERS_CHANGED))
        return coder_id

    def id_for(self, db: sqlite3.Connection, name: str) -> int:
        """The id of the coder of that name (blank: UNSIGNED_CODER), added inside the caller's write if new.

        For imports that bring another coder's work: call it inside their write()."""
        cleaned = " ".join(name.split()) if isinstance(name, str) and name.strip() else UNSIGNED_CODER
        found = self.by_name(cleaned)
        return found.id if found is not None else self._insert(db, clean_coder_name(cleaned))

    def _insert(self, db: sqlite3.Connection, name: str) -> int:
        coder_id = db.execute("INSERT INTO coders(name) VALUES (?)", (name,)).lastrowid
        self._store.notify(Change(ChangeKind.CODERS_CHANGED))
        return coder_id

    def _current_clean(self) -> str:
        return " ".join(self._person.split()) if self._person and self._person.strip() else UNSIGNED_CODER

    def _refuse_taken(self, name: str, coder_id: int | None = None) -> None:
        other = self.by_name(name)
        if other is not None and other.id != coder_id:
            raise ProjectError(f"There is already a coder called {other.name!r}; choose another name.")

    @staticmethod
    def _coder(row: tuple) -> Coder:
        coder_id, name, gold = row
        return Coder(coder_id, name, bool(gold))
