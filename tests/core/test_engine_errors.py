"""A refused write reads the same on both engines (issue 15, item 3): SQLite's words for a broken constraint.

Reports and messages quote the database's reason ("could not save it in the project (NOT NULL
constraint failed: ...)"); a shared project gives the same reason, and leaves the project as it was.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.support import dump

pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize(("sql", "params", "reason"), [
    ("INSERT INTO labels(name, layer, color, sort_order) VALUES (?, 'entity', '#123456', 99)", ("Organization",),
     "UNIQUE constraint failed: labels.name"),
    ("INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text) "
     "VALUES (NULL, '', 'x', '', '', 'todo', 'text')", (), "NOT NULL constraint failed: documents.title"),
    ("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, created_at, "
     "updated_at) VALUES (999, ?, 0, 1, 'x', '', 'x', '', '')", (1,), "FOREIGN KEY constraint failed"),
])
def test_a_broken_constraint_is_refused_in_sqlite_s_words_and_changes_nothing(project, sql, params, reason):
    before = dump(project)
    with pytest.raises(sqlite3.IntegrityError, match=f"^{reason}$"), project.store.write() as db:
        db.execute(sql, params)
    assert dump(project) == before
