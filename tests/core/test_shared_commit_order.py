"""Another client sees every committed change, whatever order concurrent edits commit in (issue 15, item 4).

Found by the bench's row 11: a change numbered when its edit began but committed after a
later-numbered one was skipped by clients that had already read past its number, so a
coder's tag never reached the others, and their row-version check missed it as well.
"""

from __future__ import annotations

import pytest

from annotator.core.project import Project
from annotator.core.store.database import ChangeKind
from annotator.core.store.pg.shared import EditConflict

TEXT = "Walmart opened a store in Seoul. Amazon did not."


def test_an_edit_committed_after_a_later_one_still_reaches_the_others(shared_url):
    with Project(shared_url) as slow, Project(shared_url) as quick, Project(shared_url) as watcher:
        doc = slow.documents.add(title="One", text=TEXT)
        organisation = slow.codebook.by_name("Organization")
        watcher.store.others_changes()
        with slow.store.write() as db:  # the slow coder's tag is numbered now, committed last
            db.execute("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, annotator, "
                       "created_at, updated_at) VALUES (?, ?, 0, 7, 'Walmart', 'slow', '2024-01-01', '2024-01-01')",
                       (doc, organisation.id))
            late = db.execute("SELECT max(id) FROM annotations").fetchone()[0]
            made = quick.annotations.add(doc, organisation, 33, 39)
            first = watcher.store.others_changes()
        assert [c.annotation_id for c in first if c.kind is ChangeKind.ANNOTATION_ADDED] == [made.id]
        later = watcher.store.others_changes()
        assert [c.annotation_id for c in later if c.kind is ChangeKind.ANNOTATION_ADDED] == [late]


def test_a_row_changed_by_an_edit_that_committed_late_is_not_overwritten_unseen(shared_url):
    with Project(shared_url) as slow, Project(shared_url) as quick, Project(shared_url) as mine:
        doc = slow.documents.add(title="One", text=TEXT)
        mine.store.others_changes()
        with slow.store.write() as db:
            db.execute("UPDATE documents SET memo = 'slow coder' WHERE id = ?", (doc,))
            quick.documents.add(title="Two", text="Another text.")
            mine.store.others_changes()  # read past the slow edit's number before it committed
        with pytest.raises(EditConflict, match="meanwhile"):
            mine.documents.set_memo(doc, "mine")
        assert mine.store.query("SELECT memo FROM documents WHERE id = ?", (doc,))[0][0] == "slow coder"
