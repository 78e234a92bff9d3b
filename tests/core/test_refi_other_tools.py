"""REFI-QDA files as other programs really write them: paths without internal://, identical sources,
flat codebooks that clash with Annotator's layers, and dates in every form (see tests/core/refi_tools.py)."""

from __future__ import annotations

import pytest

from annotator.core.interchange.refi import import_qdpx
from tests.core.refi_tools import BOARD_TEXT, Src, tool_qdpx

pytestmark = pytest.mark.both_engines


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
    ("Board: 2017.txt", "sources/Board: 2017.txt"),  # a colon is no scheme
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


# -- item 11: dates in every form ------------------------------------------------------------------

DATES = [  # as written by the tool -> as Annotator stores it
    ("2026-12-06T04:29:41+00:00Z", "2026-12-06T04:29:41+00:00"),  # QualCoder after a round trip
    ("2026-12-06T04:29:41.1234567Z", "2026-12-06T04:29:41+00:00"),  # NVivo's seven-digit fractions
    ("2026-12-06T04:29:41", "2026-12-06T04:29:41+00:00"),  # no zone: REFI-QDA files are UTC
    ("2026-12-06 04:29:41", "2026-12-06T04:29:41+00:00"),
    ("2026-12-06", "2026-12-06T00:00:00+00:00"),
    ("2026-12-06T13:29:41+0900", "2026-12-06T04:29:41+00:00"),
    ("2026-12-05T23:29:41-05:00", "2026-12-06T04:29:41+00:00"),
    ("2026-12-06T04:29:41Z", "2026-12-06T04:29:41+00:00"),
]
ODD = ["yesterday", "2026-02-31T10:00:00Z", "06.12.2026 04:29", ""]


def test_dates_from_other_tools_become_iso_utc_and_odd_ones_the_import_time(project, tmp_path):
    words = [f"word{n}" for n in range(len(DATES) + len(ODD))]
    dates = dict(zip(words, [written for written, _ in DATES] + ODD))
    path = tool_qdpx(tmp_path / "qualcoder.qdpx", [Src("Interview", " ".join(words) + "\n",
                                                       codings=[(w, "Claim") for w in words])], ["Claim"],
                     dates=dates)
    from annotator.core.store.database import now

    before = now()
    report = import_qdpx(project, path)
    after = now()
    assert report.annotations == len(words)
    stored = {a.text: (a.created_at, a.updated_at) for a in project.annotations.for_document(project.documents.ids()[0])}
    for word, (_written, expected) in zip(words, DATES):
        assert stored[word] == (expected, expected), word
    for word in words[len(DATES):]:
        created, updated = stored[word]
        assert before <= created <= after and updated == created, word
    text = "\n".join(report.summary_lines())
    assert "3 annotations had a date in a form Annotator does not read; they carry the import time." in text
    assert not any(alarm in text.lower() for alarm in ("error", "invalid", "damaged", "refused"))


# -- item 9: a flat codebook meets Annotator's layers ---------------------------------------------

INTERVIEW = ("Acme Corp said the plant will close. \"We had no choice,\" the CEO said. "
             "Unions oppose the closure.\n")


def test_qualcoders_flat_codes_import_into_a_new_project_onto_its_labels(tmp_path):
    from annotator.core.project import Project

    path = tool_qdpx(tmp_path / "qualcoder.qdpx", [Src("Interview", INTERVIEW, codings=[
        ("Acme Corp", "Organization"), ("\"We had no choice,\"", "Quote"), ("the plant will close", "Claim"),
        ("Unions oppose the closure", "Against")])], ["Organization", "Quote", "Claim", "Against"])
    with Project(tmp_path / "new.annotator") as project:
        labels_before = [(label.name, label.layer) for label in project.codebook.labels()]
        report = import_qdpx(project, path)
        assert report.labels_matched == 4 and report.labels_added == 0
        assert [(label.name, label.layer) for label in project.codebook.labels()] == labels_before
        doc = project.documents.ids()[0]
        coded = {(a.text, project.codebook.label(a.label_id).name, project.codebook.label(a.label_id).layer)
                 for a in project.annotations.for_document(doc)}
        assert coded == {("Acme Corp", "Organization", "entity"), ("\"We had no choice,\"", "Quote", "claim"),
                         ("the plant will close", "Claim", "claim")}
        # A stance needs a target, which QualCoder does not record: the coding waits in the memo.
        assert "‘Unions oppose the closure’ (" in project.documents.memo(doc)


def test_codes_that_clash_with_the_projects_come_in_renamed_under_their_own_group(project, tmp_path):
    tree = ('<Code guid="00000000-0000-4000-8000-000000000001" name="Person" isCodable="false">'
            '<Code guid="00000000-0000-4000-8000-000000000002" name="Witness" isCodable="true"/></Code>'
            '<Code guid="00000000-0000-4000-8000-000000000003" name="Stance" isCodable="false">'
            '<Code guid="00000000-0000-4000-8000-000000000004" name="Claim" isCodable="true"/></Code>')
    # Codes get the GUIDs of their place in this list, so the coding below is Witness's.
    path = tool_qdpx(tmp_path / "atlas.qdpx", [Src("Interview", INTERVIEW, codings=[("Acme Corp", "Witness")])],
                     ["Person", "Witness"], origin="ATLAS.ti 24", code_tree=tree)
    report = import_qdpx(project, path)
    book = project.codebook
    group = book.by_name("Person (atlas.qdpx)")
    assert group.is_group and group.layer == "claim" and book.label(group.parent_id).name == "From atlas.qdpx (Claim)"
    assert book.by_name("Witness").parent_id == group.id
    claim = book.by_name("Claim (atlas.qdpx)")
    assert claim.layer == "stance" and book.label(claim.parent_id).name == "From atlas.qdpx (Stance)"
    assert book.by_name("Person").layer == "entity" and book.by_name("Claim").layer == "claim"  # untouched
    text = "\n".join(report.summary_lines())
    assert "‘Person’ is a label in the Entity layer in this project but a group in the Claim layer in the file" in text
    assert [project.codebook.label(a.label_id).name for a in project.annotations.for_document(
        project.documents.ids()[0])] == ["Witness"]
    # The same file again: what the first import made is found, nothing doubles.
    labels = [label.name for label in book.labels()]
    import_qdpx(project, path)
    assert [label.name for label in project.codebook.labels()] == labels


# -- item 8: sources with the same text -----------------------------------------------------------

MINUTES = "Minutes of the board meeting.\nThe merger was approved.\n"


def nvivo_twins(path):
    """As NVivo 15 exports a project holding a file imported twice: two sources, one text, two GUIDs."""
    return tool_qdpx(path, [Src("Minutes (March)", MINUTES, codings=[("board meeting", "Meeting")], bom=True, crlf=True,
                                created="2026-03-01T09:15:27.1234567Z"),
                            Src("Minutes (copy)", MINUTES, codings=[("merger was approved", "Decision")], bom=True,
                                crlf=True, created="2026-03-04T11:00:00.5Z")],
                     ["Meeting", "Decision"], origin="NVivo 15.1", qde_bom=True, qde_crlf=True, upper_guids=True)


def test_nvivo_sources_with_the_same_text_stay_two_documents(project, tmp_path):
    report = import_qdpx(project, nvivo_twins(tmp_path / "nvivo.qdpx"))
    assert report.documents == 2 and report.annotations == 2
    docs = project.documents.ids()
    assert [project.documents.get(d).title for d in docs] == ["Minutes (March)", "Minutes (copy)"]
    assert [project.documents.text(d) for d in docs] == [MINUTES, MINUTES]
    assert [[a.text for a in project.annotations.for_document(d)] for d in docs] == [
        ["board meeting"], ["merger was approved"]]
    assert ("  ‘Minutes (copy)’ has the same text as ‘Minutes (March)’ in this file; it is kept as a document of "
            "its own, as the file keeps them apart.") in report.summary_lines()


def test_the_same_file_again_adds_nothing_and_plain_files_still_skip_duplicates(project, tmp_path):
    from annotator.core.corpus.importing import import_file

    path = nvivo_twins(tmp_path / "nvivo.qdpx")
    import_qdpx(project, path)
    again = import_qdpx(project, path)
    assert again.documents == 0 and project.documents.count() == 2
    assert [line.split(":")[0] for line in again.skipped] == ["‘Minutes (March)’", "‘Minutes (copy)’"]
    assert all("already in the project" in line for line in again.skipped)
    plain = tmp_path / "minutes.txt"
    plain.write_text(MINUTES, encoding="utf-8")
    assert import_file(project, plain).status == "skipped" and project.documents.count() == 2


def test_a_source_whose_text_the_project_already_has_is_still_skipped(project, tmp_path):
    first = project.documents.add(title="Minutes", text=MINUTES)
    report = import_qdpx(project, nvivo_twins(tmp_path / "nvivo.qdpx"))
    assert report.documents == 0 and project.documents.ids() == [first]
    assert all(f"same text as document {first}" in line for line in report.skipped)


def test_two_documents_with_one_text_survive_an_export_and_a_restore(project, tmp_path):
    from annotator.core.interchange.refi import export_qdpx
    from annotator.core.project import Project
    from tests.support import dump

    import_qdpx(project, nvivo_twins(tmp_path / "nvivo.qdpx"))
    out = export_qdpx(project, tmp_path / "out.qdpx")
    with Project(tmp_path / "copy.annotator") as copy:
        assert import_qdpx(copy, out).mode == "restored"
        assert dump(copy, like=project) == dump(project, like=copy)


def test_a_maxqda_project_with_bom_crlf_sources_and_local_times(project, tmp_path):
    text = "Board minutes\nThe merger was approved.\nShareholders were not consulted.\n"
    path = tool_qdpx(tmp_path / "maxqda.qdpx", [Src("Minutes", text, bom=True, crlf=True, codings=[
        ("merger was approved", "Decision"), ("not consulted", "Criticism")])], ["Decision", "Criticism"],
                     origin="MAXQDA 2024", dates={"merger was approved": "2026-03-02T11:00:00+01:00",
                                                  "not consulted": "2026-03-02T11:30:00.250+01:00"})
    report = import_qdpx(project, path)
    assert report.documents == 1 and report.annotations == 2
    doc = project.documents.ids()[0]
    assert project.documents.text(doc) == text  # no BOM, \n line ends
    assert [(a.text, a.created_at) for a in project.annotations.for_document(doc)] == [
        ("merger was approved", "2026-03-02T10:00:00+00:00"), ("not consulted", "2026-03-02T10:30:00+00:00")]
