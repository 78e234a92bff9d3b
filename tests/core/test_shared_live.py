"""Live shared projects: other coders' commits heard at once, conflicts refused, a server restart survived.

(issue 15, items 4 and 6, and the Quality bar's fault test)
"""

from __future__ import annotations

import threading

import pytest

from annotator.core.project import Project
from annotator.core.store.database import ChangeKind
from annotator.core.store.pg.live import LiveFeed
from annotator.core.store.pg.shared import EditConflict, ServerGone

TEXT = "The minister said the plan would cut prices. 월마트가 새 매장을 열었다."
WAIT = 20.0  # generous: a slow machine waits longer, a broken feature never arrives


@pytest.fixture
def pg_server(own_pg_server):
    """One test here restarts the server: one no other test process is using at the time (conftest's own_pg_server)."""
    return own_pg_server


def _tagged(project: Project, doc: int, start: int = 4, end: int = 12):
    return project.annotations.add(doc, project.codebook.by_name("Person"), start, end)


def test_the_feed_hears_another_clients_commit_and_the_store_says_what_changed(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        doc = theirs.documents.add(title="One", text=TEXT)
        heard = threading.Event()
        feed = LiveFeed(shared_url, heard.set).start()
        try:
            assert feed.listening.wait(WAIT)
            mine.store.others_changes()
            heard.clear()
            made = _tagged(theirs, doc)
            assert heard.wait(WAIT), "no notification of the other client's commit"
            seen = mine.store.others_changes()
            assert any(c.kind is ChangeKind.ANNOTATION_ADDED and c.annotation_id == made.id for c in seen)
        finally:
            feed.stop()


def test_a_later_write_to_a_row_changed_unseen_is_refused_and_the_current_state_announced(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        doc = mine.documents.add(title="One", text=TEXT)
        made = _tagged(mine, doc)
        theirs.store.others_changes()
        theirs.annotations.update(made.id, note="theirs")  # mine has not looked since
        events = []
        mine.subscribe(events.append)
        with pytest.raises(EditConflict, match="changed this annotation meanwhile"):
            mine.annotations.update(made.id, note="mine")
        assert mine.annotations.get(made.id).note == "theirs"
        # The views were told at once, so they show "theirs" under the message.
        assert any(e.kind is ChangeKind.ANNOTATION_CHANGED and e.annotation_id == made.id for e in events)
        # Having seen it, mine may now change it: a conflict is about unseen changes only.
        mine.annotations.update(made.id, note="mine, having read theirs")
        assert theirs.annotations.get(made.id).note == "mine, having read theirs"


def test_undoing_an_edit_someone_has_since_changed_is_refused(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        doc = mine.documents.add(title="One", text=TEXT)
        made, tagged = mine.store.edit(_tagged, mine, doc)
        theirs.store.others_changes()
        theirs.annotations.update(made.id, note="theirs")
        mine.store.others_changes()  # even seen: undo would delete their note with my tag
        with pytest.raises(EditConflict):
            mine.store.undo(tagged)
        assert mine.annotations.get(made.id).note == "theirs"


def test_the_client_survives_a_server_restart_and_nothing_committed_is_lost(shared_url, pg_server):
    """The fault test: the server stops as in a crash mid-session and comes back."""
    with Project(shared_url) as project, Project(shared_url) as other:
        doc = project.documents.add(title="One", text=TEXT)
        before, tagged_before = project.store.edit(_tagged, project, doc)
        states: list[bool] = []
        went, back = threading.Event(), threading.Event()

        def state(online: bool) -> None:
            states.append(online)
            (back if online else went).set()

        feed = LiveFeed(shared_url, lambda: None, state, backoff=(0.1, 0.2)).start()
        reported: list[int] = []
        refused = 0
        try:
            assert feed.listening.wait(WAIT)
            restart = threading.Thread(target=pg_server.restart, kwargs={"down_seconds": 1.5})
            restart.start()
            assert went.wait(WAIT), "the feed never said the server was gone"
            # While it is down: every edit is refused, none is queued.
            with pytest.raises(ServerGone, match="cannot be reached"):
                _composite_tag(project, doc, "while down")
            # Keep editing through the outage and the restart: each edit commits whole or not at all.
            while not back.is_set():
                try:
                    reported.append(_composite_tag(project, doc, f"edit {len(reported)}"))
                except ServerGone:
                    refused += 1
                back.wait(0.05)
            restart.join()
            reported.append(_composite_tag(project, doc, "after"))  # reconnected by itself
        finally:
            feed.stop()
        assert states[:2] == [False, True]
        assert refused >= 1
        # The undo history of the broken session is gone: refused clearly, never replayed wrongly.
        with pytest.raises(EditConflict, match="connection to the server was lost"):
            project.store.undo(tagged_before)
        # A fresh client sees every edit the first one reported committed, and nothing half-written.
        other.store.reconnect()
        rows = other.store.query("SELECT id, note FROM annotations WHERE document_id = ?", (doc,))
        notes = dict(rows)
        assert before.id in notes
        assert set(reported) <= set(notes)
        assert all(note for annotation_id, note in notes.items() if annotation_id != before.id)
        # Undo works again for edits of the new session.
        _, tagged_after = project.store.edit(_tagged, project, doc, 20, 25)
        project.store.undo(tagged_after)


def _composite_tag(project: Project, doc: int, note: str) -> int:
    """Tag and note in one edit: a half-written edit would leave a tag without its note."""
    with project.store.write():
        made = _tagged(project, doc)
        project.annotations.update(made.id, note=note)
    return made.id


def test_a_session_that_still_works_is_kept_with_its_undo_history(shared_url):
    with Project(shared_url) as project:
        doc = project.documents.add(title="One", text=TEXT)
        _, tagged = project.store.edit(_tagged, project, doc)
        assert project.store.ensure_connected() is False
        project.store.undo(tagged)  # still undoable: nothing was lost
        assert project.annotations.for_document(doc) == []
