"""`annotator search [--project PATH] QUERY`: keyword-in-context lines by document; and `check` on the search index."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.core.test_lock import held_elsewhere

FIRST = "Launch 🚀 day: 월마트가 AWS를 떠났다.\nWalmart left AWS; Amazon said the cloud deal ended."
SECOND = "Amazon Web Services grew. Analysts at Reuters called AWS the cloud leader."


def _study(path: Path | str) -> Path | str:
    with Project(path) as p:
        first = p.documents.add(title="Walmart leaves", text=FIRST)
        second = p.documents.add(title="Cloud results", text=SECOND)
        p.documents.add(title="AWS outage report", text="Nothing else here.")
        start = FIRST.index("Walmart")
        mention = p.annotations.add(first, p.codebook.by_name("Organization"), start, start + 7)
        walmart = p.entities.create("Walmart", p.codebook.by_name("Organization"), aliases=["월마트"])
        p.annotations.link_entity(mention.id, walmart.id)
        start = SECOND.index("Analysts")
        p.annotations.add(second, p.codebook.by_name("Claim"), start, len(SECOND))
        p.metadata.set(second, "outlet", "Reuters")
    return path


@pytest.fixture
def project_path(project_location) -> Path | str:
    """The project file, or a shared project's URL: every search runs the same on both."""
    return _study(project_location)


@pytest.fixture
def project_file(tmp_path) -> Path:
    """The project file alone: its FTS5 index and its lock are the file's own."""
    return _study(tmp_path / "study.annotator")


def test_hits_are_listed_in_context_under_their_document(project_path, capsys):
    assert main(["search", "--project", str(project_path), "aws"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # "AWS를" is one word to the index (a particle glued to it): "aws" finds only the plain AWS there.
    assert lines[:4] == [
        "[1] Walmart leaves — 1 hit",
        f"  @{FIRST.index('AWS;')}: Launch 🚀 day: 월마트가 AWS를 떠났다. Walmart left [AWS]; Amazon said the cloud "
        "deal ended.",
        "[2] Cloud results — 1 hit",
        f"  @{SECOND.index('AWS')}: Amazon Web Services grew. Analysts at Reuters called [AWS] the cloud leader.",
    ]
    assert "[3] AWS outage report — match in title" in lines
    assert lines[-1] == "3 documents."
    assert main(["search", "--project", str(project_path), "aws*", "--limit", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "[1] Walmart leaves — 2 hits",
        f"  @{FIRST.index('AWS')}: Launch 🚀 day: 월마트가 [AWS를] 떠났다. Walmart left AWS; Amazon said the cloud "
        "deal ended.",
        f"  @{FIRST.index('AWS;')}: Launch 🚀 day: 월마트가 AWS를 떠났다. Walmart left [AWS]; Amazon said the cloud "
        "deal ended.",
    ]


def test_a_phrase_a_prefix_and_a_korean_word(project_path, capsys):
    assert main(["search", "--project", str(project_path), '"cloud deal"']) == 0
    assert "[cloud deal]" in capsys.readouterr().out
    assert main(["search", "--project", str(project_path), "amaz*", "--hits", "1"]) == 0
    out = capsys.readouterr().out
    assert "[Amazon] said" in out and "[Amazon] Web" in out
    assert main(["search", "--project", str(project_path), "월마트"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[1] Walmart leaves — 1 hit"
    assert out[1].startswith(f"  @{FIRST.index('월마트')}: Launch 🚀 day: [월마트]가 AWS를")


def test_filters_by_label_entity_and_metadata(project_path, capsys):
    assert main(["search", "--project", str(project_path), "aws", "--label", "claim"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "[2] Cloud results — 1 hit"
    assert main(["search", "--project", str(project_path), "aws", "--entity", "월마트"]) == 0  # an alias names the entity
    assert capsys.readouterr().out.splitlines()[0] == "[1] Walmart leaves — 1 hit"
    assert main(["search", "--project", str(project_path), "aws", "--meta", "outlet=Reuters"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "[2] Cloud results — 1 hit"
    assert main(["search", "--project", str(project_path), "aws", "--meta", "outlet", "--label", "Organization"]) == 1
    assert capsys.readouterr().out.strip().startswith("No matches")


@pytest.mark.parametrize("typed", ["ＷＡＬＭＡＲＴ", unicodedata.normalize("NFD", "월마트"), " walmart "])
def test_entity_names_the_way_the_registry_matches_them(project_path, capsys, typed):
    # Full width (as Korean and Japanese keyboards type it) and decomposed jamo (as macOS file names carry it).
    assert main(["search", "--project", str(project_path), "aws", "--entity", typed]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "[1] Walmart leaves — 1 hit"


def test_limit_lists_fewer_documents_and_says_how_many_match(project_path, capsys):
    assert main(["search", "--project", str(project_path), "aws", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1] Walmart leaves — 1 hit"
    assert lines[-1] == "3 documents; showing the first 1 (see --limit)."
    assert not any(line.startswith("[2]") for line in lines)


@pytest.mark.parametrize(("args", "message"), [
    (["--", "-walmart"], "Add a word to look for"),  # a query starting with - goes after --
    (['"'], "Nothing to search for"),
    (["aws", "--label", "Nonsense"], "No label or group is called 'Nonsense'"),
    (["aws", "--entity", "Nobody"], "No entity in the registry is called 'Nobody'"),
    (["aws", "--limit", "0"], "--limit between 1 and 1000"),
])
def test_what_cannot_be_searched_exits_2_with_what_to_do(project_path, capsys, args, message):
    assert main(["search", "--project", str(project_path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("annotator: error: ") and message in captured.err
    assert "Traceback" not in captured.err


def test_nothing_found_exits_1(project_path, capsys):
    assert main(["search", "--project", str(project_path), "zeppelin"]) == 1
    assert capsys.readouterr().out.startswith("No matches — try fewer words")


def test_a_missing_project_is_not_created(tmp_path, capsys):
    missing = tmp_path / "nowhere.annotator"
    assert main(["search", "--project", str(missing), "aws"]) == 2
    assert not missing.exists()
    assert "No project file" in capsys.readouterr().err


def test_check_finds_a_damaged_search_index_and_repair_rebuilds_it(project_file, capsys):
    assert main(["check", "--project", str(project_file)]) == 0
    assert "Search index: ok" in capsys.readouterr().out
    conn = sqlite3.connect(project_file)
    conn.execute("INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', 2, ?, ?)",
                 ("Cloud results", SECOND))
    conn.commit()
    conn.close()
    assert main(["check", "--project", str(project_file)]) == 1
    out = capsys.readouterr().out
    assert "The search index does not match the documents" in out and "annotator check --repair" in out
    assert main(["search", "--project", str(project_file), "reuters"]) == 1  # what the damage does to the analyst
    capsys.readouterr()

    assert main(["check", "--project", str(project_file), "--repair"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Rebuilt the search index of 3 documents."
    assert "Search index: ok" in out and out[-1] == "No problems found."
    assert main(["search", "--project", str(project_file), "reuters"]) == 0


def test_repair_refuses_a_project_open_in_annotator(project_file, capsys):
    with held_elsewhere(project_file):
        assert main(["check", "--project", str(project_file), "--repair"]) == 2
    err = capsys.readouterr().err
    assert "run check --repair again; nothing was changed" in err
