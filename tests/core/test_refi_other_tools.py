"""REFI-QDA files as other programs really write them: paths without internal://, identical sources,
flat codebooks that clash with Annotator's layers, and dates in every form (see tests/core/refi_tools.py)."""

from __future__ import annotations

import pytest

from annotator.core.refi import import_qdpx
from tests.core.refi_tools import BOARD_TEXT, Src, tool_qdpx


def _texts(project) -> list[str]:
    return [project.documents.text(doc) for doc in project.documents.ids()]


# -- item 7: where a source's text is -------------------------------------------------------------


def test_a_bare_path_from_qualitative_coding_reads_the_file_under_sources(project, tmp_path):
    path = tool_qdpx(tmp_path / "qc.qdpx", [Src("board_2017.txt", BOARD_TEXT, path="board_2017.txt",
                                                member="sources/board_2017.txt",
                                                codings=[("approved the merger", "decision")])],
                     ["decision"], origin="qualitative-coding 1.6")
    report = import_qdpx(project, path)
    assert report.documents == 1 and report.annotations == 1
    doc = project.documents.find_by_text(BOARD_TEXT)
    assert [a.text for a in project.annotations.for_document(doc)] == ["approved the merger"]
    assert not any("outside" in line for line in report.summary_lines())


@pytest.mark.parametrize("written, member", [
    ("sources\\board 2017.txt", "sources/board 2017.txt"),  # a Windows path
    ("./sources/board_2017.txt", "sources/board_2017.txt"),
    (".\\board_2017.txt", "sources/board_2017.txt"),
    ("board%202017.txt", "sources/board 2017.txt"),  # URL-encoded
    ("sources/board%202017.txt", "sources/board 2017.txt"),
    ("internal://board%202017.txt", "sources/board 2017.txt"),
    ("BOARD_2017.TXT", "sources/board_2017.txt"),  # only the case differs, and only one member fits
    ("board_2017.txt", "board_2017.txt"),  # beside project.qde
])
def test_relative_paths_in_every_style_name_their_member(project, tmp_path, written, member):
    path = tool_qdpx(tmp_path / "tool.qdpx", [Src("Board", BOARD_TEXT, path=written, member=member)], ["decision"])
    report = import_qdpx(project, path)
    assert report.documents == 1, report.summary_lines()
    assert _texts(project) == [BOARD_TEXT]


def test_a_case_insensitive_match_is_used_only_when_it_is_the_only_one(project, tmp_path):
    path = tool_qdpx(tmp_path / "tool.qdpx", [Src("Board", BOARD_TEXT, path="BOARD.TXT", member="sources/Board.txt"),
                                              Src("Other", "Another text.\n")],
                     ["decision"], extra={"sources/board.txt": b"A different board."})
    report = import_qdpx(project, path)
    assert _texts(project) == ["Another text.\n"]
    memo = project.documents.memo(project.documents.ids()[0])
    assert "‘Board’ was not imported" in memo and "more than one file" in memo
    assert report.documents == 1


@pytest.mark.parametrize("written", ["../board_2017.txt", "sources/../../board_2017.txt", "..\\board_2017.txt",
                                     "..%2Fboard_2017.txt", "/tmp/board_2017.txt", "C:\\Users\\mina\\board_2017.txt",
                                     "file:///tmp/board_2017.txt", "absolute:///tmp/board_2017.txt",
                                     "relative://board_2017.txt"])
def test_paths_that_leave_the_archive_are_never_read(project, tmp_path, written):
    outside = tmp_path / "board_2017.txt"  # where a careless reader would look
    outside.write_text("SECRET outside the archive", encoding="utf-8")
    path = tool_qdpx(tmp_path / "tool.qdpx", [Src("Board", BOARD_TEXT, path=written, member="sources/board_2017.txt"),
                                              Src("Other", "Another text.\n")], ["decision"])
    report = import_qdpx(project, path)
    assert report.documents == 1 and _texts(project) == ["Another text.\n"]
    memo = project.documents.memo(project.documents.ids()[0])
    assert "Source ‘Board’ was not imported" in memo and "SECRET" not in memo
