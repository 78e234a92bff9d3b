"""A REFI-QDA project restored into a shared project keeps its ids, and the project numbers on after them
(issue 15, item 3): SQLite takes the next id after the largest; the server's sequence must be moved past
the restored ids, also when the one restoring is the project's owner and not the server's superuser."""

from __future__ import annotations

from annotator.core.interchange.refi import export_qdpx, import_qdpx
from annotator.core.project import Project
from tests.core.refi_support import build_rich_project
from tests.core.test_pg_roles import team  # noqa: F401  (a project with its own owner, coder and viewer logins)
from tests.support import dump


def test_an_owner_restores_a_qdpx_and_the_team_adds_documents_and_codes_after_it(team, tmp_path):  # noqa: F811
    with Project(tmp_path / "local.annotator") as local:
        build_rich_project(local)
        out = export_qdpx(local, tmp_path / "local.qdpx")
        owner = team.open(team.login("owner", "owner"))
        assert import_qdpx(owner, out).mode == "restored"
        assert dump(owner, like=local) == dump(local, like=owner)
        biggest = max(local.documents.ids())
        annotations = local.store.conn.execute("SELECT max(id) FROM annotations").fetchone()[0]
    coder = team.open(team.login("coder", "coder"))
    added = owner.documents.add(title="After the restore", text="Walmart opened a store.")
    assert added == biggest + 1
    tagged = coder.annotations.add(added, coder.codebook.by_name("Organization"), 0, 7)
    assert tagged.id == annotations + 1 and tagged.text == "Walmart"
