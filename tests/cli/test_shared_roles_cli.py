"""Push, pull and offline merge on a shared project whose roles the server enforces (issue 15, items 2 and 5)."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.cli.test_shared_cli import build_project, table_rows
from tests.core.test_pg_roles import Team, as_login


@pytest.fixture
def team(pg_server):
    made = Team(pg_server)
    yield made
    made.close()


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_owner_who_does_not_own_the_tables_pushes_and_a_coder_pulls_it_whole(team, tmp_path, capsys):
    lead = team.login("lead", "owner")
    original = build_project(tmp_path / "original.annotator")
    code, _out, err = _run(capsys, "push", "--project", original, "--url", as_login(team.url, lead))
    assert (code, err) == (0, ""), err
    kim = team.login("kim", "coder")
    copy = tmp_path / "kim.annotator"
    assert _run(capsys, "pull", "--url", as_login(team.url, kim), "--out", copy)[0] == 0
    assert table_rows(copy) == table_rows(original)


def test_a_coder_codes_a_pulled_copy_offline_and_merges_it_back(team, tmp_path, capsys):
    owner = team.open()
    doc = owner.documents.add(title="Election night", text="The minister said turnout was high.")
    kim = team.login("kim", "coder")
    kim_url = as_login(team.url, kim)
    copy = tmp_path / "kim.annotator"
    assert _run(capsys, "pull", "--url", kim_url, "--out", copy)[0] == 0
    with Project(copy) as offline:
        offline.coders.current_name = kim  # on the server a coder is their login
        offline.annotations.add(doc, offline.codebook.by_name("Person"), 4, 12)
    code, out, err = _run(capsys, "merge", "--project", kim_url, copy)
    assert (code, err) == (0, ""), err
    assert f"{kim}: 1 annotation," in out
    with Project(team.url) as shared:
        assert [(a.text, a.annotator) for a in shared.annotations.for_document(doc)] == [("minister", kim)]


def test_a_coders_merge_carrying_someone_elses_codes_is_refused_whole(team, tmp_path, capsys):
    owner = team.open()
    doc = owner.documents.add(title="Election night", text="The minister said turnout was high.")
    kim = team.login("kim", "coder")
    copy = tmp_path / "kim.annotator"
    assert _run(capsys, "pull", "--url", as_login(team.url, kim), "--out", copy)[0] == 0
    with Project(copy) as offline:
        offline.coders.current_name = kim
        offline.annotations.add(doc, offline.codebook.by_name("Person"), 4, 12)
        offline.annotations.add(doc, offline.codebook.by_name("Person"), 0, 3, coder="Lee")
    code, out, err = _run(capsys, "merge", "--project", as_login(team.url, kim), copy)
    assert (code, out) == (2, "") and "refused" in err and "Traceback" not in err
    with Project(team.url) as shared:
        assert shared.annotations.for_document(doc) == []
