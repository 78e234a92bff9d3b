"""REFI-QDA import: an exact round trip, files from other tools (BOM, CRLF, empty Sets, unknown parts),
codebooks, and hostile files that must be refused without touching anything."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.core.interchange.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from annotator.core.interchange.refi.reading import Refused
from annotator.core.project import Project
from tests.core.refi_files import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    FOREIGN_QDC,
    FOREIGN_TEXT,
    foreign_qde,
    foreign_qdpx,
    guid,
    write_qdpx,
)
from tests.core.refi_support import KOREAN, build_rich_project
from tests.support import dump, span_of

pytestmark = pytest.mark.both_engines


@pytest.fixture
def rich(project):
    return build_rich_project(project)


def qde_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde").decode("utf-8")


# -- round trip ------------------------------------------------------------------------------


def test_round_trip_into_a_new_project_gives_an_identical_database(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    report = import_qdpx(lambda: Project(tmp_path / "copy.annotator"), out)
    assert report.mode == "restored" and report.documents == project.documents.count()
    with Project(tmp_path / "copy.annotator") as copy:
        assert dump(copy, like=project) == dump(project, like=copy)
        # And back out again: the same file, GUIDs included, but for the project's name. The one
        # exporting is named in it: on a shared project the database login, so the copy exports as them.
        copy.annotations.annotator = project.annotations.annotator
        again = export_qdpx(copy, tmp_path / "again.qdpx")
        assert qde_text(again).replace('name="copy"', f'name="{project.path.stem}"', 1) == qde_text(out)


def test_round_trip_keeps_what_an_analyst_reads(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    with Project(tmp_path / "copy.annotator") as copy:
        import_qdpx(copy, out)
        doc = rich["doc"]
        assert copy.documents.text(doc) == KOREAN
        assert [(a.start, a.end, a.text, a.note) for a in copy.annotations.for_document(doc)] == [
            (a.start, a.end, a.text, a.note) for a in project.annotations.for_document(doc)]
        whole = copy.annotations.get(rich["whole"].id)
        assert whole.is_document_level and copy.annotations.display_role(whole, "target") == "Amazon"
        said = copy.annotations.get(rich["said"].id)
        assert copy.annotations.display_role(said, "source") == "Walmart"
        assert KOREAN[said.cue_start:said.cue_end] == "said"
        assert copy.values.for_annotations([said.id])[said.id] == {"type": "factual", "checkworthy": "no",
                                                                   "verdict": "accurate"}
        assert copy.entities.get(rich["walmart"].id).aliases == ("월마트", "Wal-Mart")
        assert copy.entities.get(rich["walmart"].id).memo == "US retailer;\r\nnot the Canadian arm"
        assert copy.metadata.get(doc)["outlet"] == "연합뉴스"
        assert copy.documents.memo(doc) == "Syndicated from Yonhap? Compare with 002."
        assert copy.codebook.by_name("Retail chain").parent_id == rich["group"].id
        assert copy.codebook.by_key("K").name == "Retail chain"


def test_characters_xml_cannot_carry_still_come_back_exactly(project, tmp_path):
    doc = project.documents.add(title="Odd\x0bcharacters", text="Form\x0cfeed and a bell\x07 in the text.")
    claim = project.codebook.by_name("Claim")
    tagged = project.annotations.add(doc, claim, 0, 9, note="tab\there, CR\r\nand \x01 control")
    project.documents.set_memo(doc, "memo with \ufffe inside")
    project.codebook.set_memo(claim.id, "label memo with \x02 inside")
    project.entities.create("Name\x03with control", project.codebook.by_name("Person"))
    out = export_qdpx(project, tmp_path / "odd.qdpx")
    import_qdpx(lambda: Project(tmp_path / "copy.annotator"), out)
    with Project(tmp_path / "copy.annotator") as copy:
        assert dump(copy, like=project) == dump(project, like=copy)
        assert copy.annotations.get(tagged.id).note == "tab\there, CR\r\nand \x01 control"


def test_import_into_a_project_with_documents_merges_with_new_ids(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    with Project(tmp_path / "other.annotator") as other:
        first = other.documents.add(title="Already here", text="A different article about Walmart.")
        report = import_qdpx(other, out)
        assert report.mode == "merged" and report.documents == project.documents.count()
        doc = other.documents.find_by_text(KOREAN)
        assert doc != rich["doc"] and first in other.documents.ids()
        theirs = [(a.start, a.end, a.text, other.codebook.label(a.label_id).name, a.note)
                  for a in other.annotations.for_document(doc)]
        ours = [(a.start, a.end, a.text, project.codebook.label(a.label_id).name, a.note)
                for a in project.annotations.for_document(rich["doc"])]
        assert theirs == ours
        said = next(a for a in other.annotations.for_document(doc) if a.text.startswith("Walmart told"))
        assert other.annotations.display_role(said, "source") == "Walmart"
        assert other.values.for_annotations([said.id])[said.id]["verdict"] == "accurate"
        assert sorted(e.name for e in other.entities.all()) == ["Amazon", "Jeff Bezos", "Walmart"]
        assert report.labels_added == 2 and report.labels_matched == len(project.codebook.labels()) - 2
        # New articles are checked for near-duplicates like any import: seed 002 prints its body twice.
        assert sorted(other.duplicates.flagged_documents().values()) == sorted(
            project.duplicates.flagged_documents().values()) == [["repeated_passage"]]
        # The same file again: every article is already there, so nothing doubles.
        before = dump(other)
        again = import_qdpx(other, out)
        assert again.documents == 0 and len(again.skipped) == project.documents.count()
        assert dump(other) == before


def test_a_codebook_clash_brings_the_files_label_in_renamed_rather_than_refusing(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    with Project(tmp_path / "other.annotator") as other:
        other.documents.add(title="Here", text="Some text.")
        mine = other.codebook.add_label("Retail chain", "claim")
        report = import_qdpx(other, out)
        assert report.documents == project.documents.count()
        assert other.codebook.label(mine.id) == mine  # the project's label is left as it was
        theirs = other.codebook.by_name("Retail chain (study.qdpx)")
        assert theirs.layer == "entity" and other.codebook.label(theirs.parent_id).name == "Retail actors"
        assert other.entities.match("Walmart").label_id == theirs.id
        assert ("‘Retail chain’ is a label in the Claim layer in this project but a label in the Entity layer in "
                "the file; the file's came in as ‘Retail chain (study.qdpx)’") in "\n".join(report.summary_lines())


# -- files from other tools -----------------------------------------------------------------


def test_a_foreign_project_with_bom_and_crlf_sources_codes_what_its_positions_say(project, tmp_path):
    report = import_qdpx(project, foreign_qdpx(tmp_path / "other.qdpx"))
    assert report.mode == "merged" and report.documents == 1 and report.annotations == 5
    doc = project.documents.find_by_text(FOREIGN_TEXT.replace("\r\n", "\n"))
    assert doc is not None and project.documents.get(doc).title == "Walmart and AWS"
    file_text = FOREIGN_TEXT  # what the positions count: the file without its BOM, CR included
    annotations = project.annotations.for_document(doc)
    for phrase in ("suppliers to leave AWS", "Walmart", "아마존을 견제했다", "cloud vendors"):
        start, end = span_of(file_text, phrase)
        assert file_text[start:end] == phrase
        assert phrase in [a.text for a in annotations], phrase
    vendors = next(a for a in annotations if a.text == "cloud vendors")
    assert project.documents.text(doc)[vendors.start:vendors.end] == "cloud vendors"
    by_text = {(a.text, project.codebook.label(a.label_id).name) for a in annotations}
    # Two codes are named Cloud: the one met first in the tree keeps the name.
    assert by_text == {("suppliers to leave AWS", "Pressure"), ("suppliers to leave AWS", "Cloud"),
                       ("Walmart", "Company"), ("아마존을 견제했다", "Cloud (2)"), ("cloud vendors", "Cloud (2)")}
    pressure = next(a for a in annotations if project.codebook.label(a.label_id).name == "Pressure")
    assert pressure.annotator == "Mina" and pressure.created_at == "2020-02-02T10:00:00+00:00"  # stored as UTC
    assert project.coders.get(pressure.coder_id).name == "Mina"  # the coding's user is its coder (issue 14)
    assert all(a.coder_id is not None for a in annotations)
    assert pressure.note == "Strong wording\n\nCheck the quote"


def test_foreign_codes_become_labels_and_groups_in_layers(project, tmp_path):
    import_qdpx(project, foreign_qdpx(tmp_path / "other.qdpx"))
    book = project.codebook
    themes = book.by_name("Themes")
    assert themes.is_group and themes.layer == "claim" and themes.description == "Top-level themes"
    pressure = book.by_name("Pressure")
    assert (pressure.layer, pressure.parent_id, pressure.color) == ("claim", themes.id, "#CC0000")
    assert pressure.memo == "Use for explicit demands only"
    cloud_under = book.by_name("Cloud")  # a sub-code of a codable code sits beside it
    assert cloud_under.parent_id == themes.id and "sat under ‘Pressure’" in cloud_under.memo
    assert book.by_name("Company").layer == "entity"
    assert book.by_name("Entity") is None  # the layer container is not a label


def test_unknown_parts_of_a_foreign_project_are_kept_as_memos(project, tmp_path):
    report = import_qdpx(project, foreign_qdpx(tmp_path / "other.qdpx"))
    doc = project.documents.find_by_text(FOREIGN_TEXT.replace("\r\n", "\n"))
    memo = project.documents.memo(doc)
    assert memo.startswith("From the print edition\n\nPaywalled")
    for kept in ("Selection 0–7 ‘Walmart’ (no code): an uncoded mark", "The whole document was coded ‘Cloud (2)’",
                 "Case ‘Retailers’: All retail pieces: Outlet = mixed", f"Link ‘causes’ from {guid(2)} to {guid(3)}",
                 "PDFSource ‘Annual report’", "Source ‘Linked elsewhere’ was not imported",
                 "Note ‘Project diary’: Started coding in February"):
        assert kept in memo, kept
    assert report.kept_as_memos == 7
    assert project.metadata.get(doc) == {"Outlet": "Reuters", "Words": "27"}
    assert any("kept as text in document memos" in line for line in report.summary_lines())


def test_an_inline_source_and_no_namespace_are_accepted(project, tmp_path):
    qde = f"""<Project name="bare"><CodeBook><Codes><Code guid="{guid(1)}" name="Topic" isCodable="true"/></Codes>
      </CodeBook><Sources><TextSource guid="{guid(1, 2)}" name="Inline">
      <PlainTextContent>Short inline text.</PlainTextContent>
      <PlainTextSelection guid="{guid(1, 3)}" startPosition="6" endPosition="12">
      <Coding guid="{guid(1, 4)}"><CodeRef targetGUID="{guid(1)}"/></Coding></PlainTextSelection>
      </TextSource></Sources><Sets/></Project>"""
    import_qdpx(project, write_qdpx(tmp_path / "bare.qdpx", qde))
    doc = project.documents.find_by_text("Short inline text.")
    assert [a.text for a in project.annotations.for_document(doc)] == ["inline"]


# -- hostile and broken files ----------------------------------------------------------------


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("make, message", [
    (lambda d: write_qdpx(d / "laughs.qdpx", BILLION_LAUGHS), "declares a DTD or entities"),
    (lambda d: write_qdpx(d / "xxe.qdpx", EXTERNAL_ENTITY), "declares a DTD or entities"),
    (lambda d: write_qdpx(d / "slip.qdpx", foreign_qde(), {f"{guid(1, 2)}.txt": FOREIGN_TEXT.encode()},
                          {"../../x": b"gotcha"}), "member named ‘../../x’ that climbs out"),
    (lambda d: write_qdpx(d / "abs.qdpx", foreign_qde(), {f"{guid(1, 2)}.txt": FOREIGN_TEXT.encode()},
                          {"/tmp/annotator-refi-x": b"gotcha"}), "is an absolute path"),
    (lambda d: write_qdpx(d / "path.qdpx", foreign_qde().replace(f"internal://{guid(1, 2)}.txt",
                                                                 "internal://../../etc/passwd")),
     "is not a plain file name"),
    (lambda d: (d / "plain.qdpx").write_bytes(b"just text") and d / "plain.qdpx", "not a zip archive"),
    (lambda d: write_qdpx(d / "nothing.qdpx", "<Project name='x'><Sources>"), "not well-formed XML"),
    (lambda d: write_qdpx(d / "range.qdpx", foreign_qde().replace('startPosition="0" endPosition="7"',
                                                                  'startPosition="0" endPosition="9999"'),
                          {f"{guid(1, 2)}.txt": FOREIGN_TEXT.encode()}), "outside its text"),
    (lambda d: write_qdpx(d / "code.qdpx", foreign_qde().replace(f'<CodeRef targetGUID="{guid(5)}"/>',
                                                                 f'<CodeRef targetGUID="{guid(99)}"/>'),
                          {f"{guid(1, 2)}.txt": FOREIGN_TEXT.encode()}), "refers to a code the file's codebook"),
    (lambda d: write_qdpx(d / "latin.qdpx", foreign_qde(), {f"{guid(1, 2)}.txt": "Café".encode("cp1252")}),
     "is not UTF-8"),
])
def test_bad_and_hostile_files_are_refused_with_one_clear_line_and_change_nothing(project, rich, tmp_path, make,
                                                                                  message):
    inbox = tmp_path / "inbox" / "deep"
    inbox.mkdir(parents=True)
    path = make(inbox)
    before, files = dump(project), _tree(tmp_path)
    with pytest.raises(Refused, match=message) as refused:
        import_qdpx(project, path)
    assert "\n" not in str(refused.value) and path.name in str(refused.value)
    assert dump(project) == before
    assert _tree(tmp_path) == files
    assert not Path("/tmp/annotator-refi-x").exists()


def test_a_refused_file_leaves_no_new_project_behind_when_given_a_path(tmp_path):
    path = write_qdpx(tmp_path / "laughs.qdpx", BILLION_LAUGHS)
    with pytest.raises(Refused):
        import_qdpx(lambda: Project(tmp_path / "new.annotator"), path)
    assert not (tmp_path / "new.annotator").exists()


def test_a_tampered_annotator_line_is_refused_not_crashed_on(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    qde = qde_text(out).replace('"metadata":[["outlet"', '"metadata":[["outlet","x","y","z"],["outlet"', 1)
    with zipfile.ZipFile(out) as archive:
        sources = {n.removeprefix("sources/"): archive.read(n) for n in archive.namelist() if n.startswith("sources/")}
    tampered = write_qdpx(tmp_path / "tampered.qdpx", qde, sources)
    with Project(tmp_path / "copy.annotator") as copy:
        before = dump(copy)
        with pytest.raises(Refused, match="tampered.qdpx: its annotator: lines do not have the documented form"):
            import_qdpx(copy, tampered)
        assert dump(copy) == before


def test_an_annotator_line_naming_a_missing_entity_is_refused(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    qde = qde_text(out).replace(f'"target_entity_id":{rich["amazon"].id}', '"target_entity_id":999', 1)
    with zipfile.ZipFile(out) as archive:
        sources = {n.removeprefix("sources/"): archive.read(n) for n in archive.namelist() if n.startswith("sources/")}
    with Project(tmp_path / "copy.annotator") as copy:
        before = dump(copy)
        with pytest.raises(Refused, match="names entity 999, which the file does not have.*Nothing was imported"):
            import_qdpx(copy, write_qdpx(tmp_path / "bad.qdpx", qde, sources))
        assert dump(copy) == before


# -- codebooks -------------------------------------------------------------------------------


def test_an_exported_codebook_imports_into_another_project_as_one_undoable_edit(project, rich, tmp_path):
    out = export_qdc(project, tmp_path / "codes.qdc")
    with Project(tmp_path / "other.annotator") as other:
        before = dump(other)
        report, changeset = other.store.edit(import_qdc, other, out)
        assert report.labels_added == 2  # the group and its label; the rest match by name
        chain = other.codebook.by_name("Retail chain")
        assert chain.key == "K" and chain.parent_id == other.codebook.by_name("Retail actors").id
        assert [(a.name, a.kind) for a in other.codebook.attributes(chain.id)] == [
            ("market share", "number"), ("listed", "bool")]
        assert other.codebook.by_name("Retail actors").memo == "split by sector?"
        other.store.undo(changeset)
        assert dump(other) == before


def test_a_foreign_codebook_with_empty_sets_and_short_colours(project, tmp_path):
    path = tmp_path / "foreign.qdc"
    path.write_text(FOREIGN_QDC, encoding="utf-8")
    before = dump(project)
    report, changeset = project.store.edit(import_qdc, project, path)
    book = project.codebook
    economy = book.by_name("Economy")
    assert economy.is_group and economy.color == "#AABBCC" and economy.layer == "claim"
    assert book.by_name("Jobs").parent_id == economy.id and book.by_name("Jobs").description == "Employment"
    assert book.by_name("Claim").id == report and False or report.labels_matched == 1
    project.store.undo(changeset)
    assert dump(project) == before


def test_a_codebook_with_a_dtd_is_refused(project, tmp_path):
    path = tmp_path / "evil.qdc"
    path.write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    before = dump(project)
    with pytest.raises(Refused, match="evil.qdc declares a DTD"):
        import_qdc(project, path)
    assert dump(project) == before


def test_a_foreign_stance_without_a_target_is_kept_as_a_memo_line(project, tmp_path):
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="s"><CodeBook><Codes>
      <Code guid="{guid(1)}" name="Stance" isCodable="false"><Code guid="{guid(2)}" name="Against" isCodable="true"/>
      </Code></Codes></CodeBook><Sources><TextSource guid="{guid(1, 2)}" name="Op-ed">
      <PlainTextContent>We oppose the merger.</PlainTextContent>
      <PlainTextSelection guid="{guid(1, 3)}" startPosition="0" endPosition="20">
      <Coding guid="{guid(1, 4)}"><CodeRef targetGUID="{guid(2)}"/></Coding></PlainTextSelection>
      </TextSource></Sources></Project>"""
    report = import_qdpx(project, write_qdpx(tmp_path / "stance.qdpx", qde))
    doc = project.documents.find_by_text("We oppose the merger.")
    assert report.labels_matched == 1 and report.annotations == 0
    assert project.annotations.for_document(doc) == []
    assert "‘We oppose the merger’ (0–20) was coded ‘Against’ without a target" in project.documents.memo(doc)
