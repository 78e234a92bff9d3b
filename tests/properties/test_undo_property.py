"""Undo of any sequence of edits restores the database exactly; redo gives back exactly what was undone.

Each generated step is one edit through `project.store.edit`, as one GUI action
is. After the sequence, every edit is undone newest first, and the whole
database (every table, id and timestamp) must equal what it was before that
edit, all the way back to the start; then every edit is redone, oldest first,
and must reach each later state again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given

from annotator.core.project import Project
from tests.properties.edits import Analyst, Refusal, Step, articles, steps
from tests.support import dump


@given(articles(), steps())
def test_undoing_every_edit_newest_first_restores_each_earlier_database(article: str, sequence: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder, Project(Path(folder) / "p.annotator") as project:
        analyst = Analyst(project, article)
        states = [dump(project)]
        changesets = []
        for step in sequence:
            try:
                _, changeset = analyst.run(step)
            except Refusal:
                event(f"{step.kind} refused")
                assert dump(project) == states[-1], f"{step} was refused but changed the project"
                continue
            if changeset is None:
                assert dump(project) == states[-1], f"{step} changed the project but left nothing to undo"
                continue
            event(f"{step.kind} done")
            changesets.append(changeset)
            states.append(dump(project))

        redos = []
        for changeset, before in zip(reversed(changesets), reversed(states[:-1])):
            redos.append(project.store.undo(changeset))
            assert dump(project) == before
        assert dump(project) == states[0]

        for redo, after in zip(reversed(redos), states[1:]):
            project.store.undo(redo)
            assert dump(project) == after
        assert project.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
