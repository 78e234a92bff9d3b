"""REFI-QDA import of a small file whose sources all name one big member: each use counts in the budget.

A zip holds a member once however many sources name it, so a 53 KB .qdpx can ask
for 100 copies of a 49 MB text. The import counts each member once per use and
refuses such a file before reading any text, and a member named many times within
the budget is read and held once.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from annotator.core.interchange.refi import import_qdpx, reading
from annotator.core.interchange.refi.plan import read_plan
from annotator.core.interchange.refi.reading import Archive, Refused
from tests.support import dump

MB = 1024 * 1024


def _one_member_many_sources(path: Path, *, sources: int, size: int) -> Path:
    """A .qdpx whose `sources` TextSources all read sources/big.txt (`size` bytes of text)."""
    items = "\n".join(f'<TextSource guid="00000000-0000-4000-8000-{n:012d}" name="Copy {n}" '
                      'plainTextPath="internal://big.txt"/>' for n in range(sources))
    qde = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="bomb">'
           f"<Sources>{items}</Sources></Project>")
    line = b"The same long report, again and again.\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/big.txt", (line * (size // len(line) + 1))[:size])
    return path


def test_a_member_named_by_a_hundred_sources_is_refused_before_reading_and_changes_nothing(
        project, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ARCHIVE_BYTES", 100 * MB)  # the 2 GB cap, scaled down with the file
    path = _one_member_many_sources(tmp_path / "bomb.qdpx", sources=100, size=3 * MB)
    assert path.stat().st_size < 100 * 1024  # small on disk: the member is stored once
    project.documents.add(title="Kept", text="An article already in the project.")
    before = dump(project)

    tracemalloc.start()
    try:
        with pytest.raises(Refused) as refused:
            import_qdpx(project, path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    message = str(refused.value)
    assert message.startswith("bomb.qdpx would expand to 300 MB of text: sources/big.txt (3 MB) is the text of "
                              "100 sources or notes, and each gets its own copy, more than the 100 MB Annotator")
    assert "Nothing was imported" in message and "\n" not in message
    assert dump(project) == before
    # Refused up front: not even one copy of the 3 MB text was read.
    assert peak < 3 * MB


def test_a_member_named_by_many_sources_within_the_budget_is_read_and_held_once(tmp_path):
    path = _one_member_many_sources(tmp_path / "copies.qdpx", sources=20, size=2 * MB)

    tracemalloc.start()
    try:
        with Archive(path) as archive:
            plan = read_plan(archive.project_xml(), archive)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert [d.title for d in plan.documents] == [f"Copy {n}" for n in range(20)]
    assert {len(d.text) for d in plan.documents} == {2 * MB}
    # 20 copies would be 40 MB; one text, its bytes while decoding and the XML are far less.
    assert peak < 10 * MB


def test_each_use_counts_even_when_only_reading_finds_it(tmp_path, monkeypatch):
    """The running count catches what the count before reading cannot see coming."""
    monkeypatch.setattr(reading, "MAX_ARCHIVE_BYTES", 5 * MB)
    path = _one_member_many_sources(tmp_path / "copies.qdpx", sources=3, size=2 * MB)
    with Archive(path) as archive:
        archive.check_expansion([])  # nothing announced up front
        archive.charge(archive.member("sources/big.txt"))
        archive.charge(archive.member("sources/big.txt"))
        with pytest.raises(Refused, match="copies.qdpx would expand to 6 MB of text: sources/big.txt "
                                          r"\(2 MB\) is the text of 3 sources or notes"):
            archive.charge(archive.member("sources/big.txt"))
