"""REFI-QDA export: files other QDA programs accept (validated against the official schemas),
code-point positions into UTF-8 sources without BOM, and Annotator's extras in a parseable line."""

from __future__ import annotations

import zipfile

import pytest
import xmlschema

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.refi import export_qdc, export_qdpx
from annotator.core.interchange.refi.payload import PREFIX, split
from annotator.core.project import Project
from tests.core.refi_support import FIXTURES, KOREAN, NS, build_rich_project, payload_of, qde_root
from tests.support import dump

pytestmark = pytest.mark.both_engines


@pytest.fixture(scope="module")
def project_schema():
    return xmlschema.XMLSchema(str(FIXTURES / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema():
    return xmlschema.XMLSchema(str(FIXTURES / "Codebook-mrt2019.xsd"))


@pytest.fixture
def rich(project):
    return build_rich_project(project)


def test_exported_project_is_valid_against_the_refi_schema(project, rich, tmp_path, project_schema):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        project_schema.validate(archive.read("project.qde").decode("utf-8"))
        names = archive.namelist()
    assert names[0] == "project.qde"
    assert len([n for n in names if n.startswith("sources/")]) == project.documents.count()


def test_an_empty_project_still_exports_a_valid_file(project, tmp_path, project_schema):
    out = export_qdpx(project, tmp_path / "empty.qdpx")
    with zipfile.ZipFile(out) as archive:
        project_schema.validate(archive.read("project.qde").decode("utf-8"))


def test_exported_codebook_is_valid_against_the_refi_schema(project, rich, tmp_path, codebook_schema):
    out = export_qdc(project, tmp_path / "codes.qdc")
    codebook_schema.validate(str(out))
    text = out.read_text("utf-8")
    assert 'name="Retail chain"' in text and 'name="Retail actors" isCodable="false"' in text


def test_sources_are_utf8_without_bom_and_hold_the_exact_text(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    root = qde_root(out)
    with zipfile.ZipFile(out) as archive:
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            data = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
            assert not data.startswith(b"\xef\xbb\xbf")
            doc_id = payload_of(source)["id"]
            assert data.decode("utf-8") == project.documents.text(doc_id)


def test_selections_count_code_points_so_korean_and_emoji_spans_slice_the_source(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    root = qde_root(out)
    source = next(s for s in root.iterfind("q:Sources/q:TextSource", NS) if payload_of(s)["id"] == rich["doc"])
    with zipfile.ZipFile(out) as archive:
        text = archive.read("sources/" + source.get("plainTextPath")[len("internal://"):]).decode("utf-8")
    selections = source.findall("q:PlainTextSelection", NS)
    assert len(selections) == len([a for a in project.annotations.for_document(rich["doc"]) if not a.is_document_level])
    for selection in selections:
        annotation = project.annotations.get(payload_of(selection)["id"])
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert (start, end) == (annotation.start, annotation.end)
        assert text[start:end] == annotation.text
    shoppers = next(s for s in selections if payload_of(s)["id"] == rich["shoppers"].id)
    # After two emoji and Hangul: UTF-16 or byte offsets would differ from these.
    assert int(shoppers.get("startPosition")) == KOREAN.index("🛒")


def test_what_refi_cannot_hold_is_the_last_description_line(project, rich, tmp_path):
    out = export_qdpx(project, tmp_path / "study.qdpx")
    root = qde_root(out)
    selection = next(s for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")
                     if payload_of(s)["id"] == rich["stance"].id)
    description = selection.find("q:Description", NS).text
    human, data = split(description)
    assert description.splitlines()[-1].startswith(PREFIX)
    assert data["target_entity_id"] == rich["amazon"].id and data["holder_entity_id"] == rich["walmart"].id
    assert "Target: Amazon" in human and "intensity: strong" in human
    said = next(s for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")
                if payload_of(s)["id"] == rich["said"].id)
    said_data = payload_of(said)
    assert said_data["source_entity_id"] == rich["walmart"].id
    assert said_data["cue"] == [KOREAN.index("said"), KOREAN.index("said") + 4]
    assert sorted(value for _attribute, value, _order in said_data["values"]) == ["accurate", "factual", "no"]


def test_layers_are_non_codable_parents_and_groups_nest(project, rich, tmp_path):
    root = qde_root(export_qdpx(project, tmp_path / "study.qdpx"))
    layers = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [(c.get("name"), c.get("isCodable")) for c in layers] == [
        ("Entity", "false"), ("Claim", "false"), ("Stance", "false")]
    group = next(c for c in layers[0] if c.get("name") == "Retail actors")
    assert group.get("isCodable") == "false"
    chain = group.find("q:Code", NS)
    assert chain.get("name") == "Retail chain" and chain.get("isCodable") == "true"
    assert payload_of(chain)["key"] == "K"
    assert [a["name"] for a in payload_of(chain)["attributes"]] == ["market share", "listed"]


def test_annotators_users_memos_notes_metadata_variables_entities_cases(project, rich, tmp_path):
    root = qde_root(export_qdpx(project, tmp_path / "study.qdpx"))
    users = root.findall("q:Users/q:User", NS)
    assert [u.get("name") for u in users] == [project.annotations.annotator]
    assert {v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)} == {"outlet", "url", "date", "author"}
    notes = {n.get("name"): n.find("q:PlainTextContent", NS).text for n in root.iterfind("q:Notes/q:Note", NS)}
    assert notes["Memo on 월마트 vs AWS 😀"] == "Syndicated from Yonhap? Compare with 002."
    assert notes["Memo on Claim"] == "Count ‘sources say’ as a claim?\nYes, since March."
    cases = {c.get("name"): c for c in root.iterfind("q:Cases/q:Case", NS)}
    assert set(cases) == {"Walmart", "Amazon", "Jeff Bezos"}
    assert len(cases["Walmart"].findall("q:SelectionRef", NS)) == 2
    assert payload_of(cases["Walmart"])["external_id"] == "Q483551"
    # The whole-document stance is a Coding on the source itself.
    source = next(s for s in root.iterfind("q:Sources/q:TextSource", NS) if payload_of(s)["id"] == rich["doc"])
    assert len(source.findall("q:Coding", NS)) == 2


def test_a_second_export_keeps_every_guid_and_another_project_gets_its_own(project, rich, tmp_path):
    first = qde_guids(export_qdpx(project, tmp_path / "one.qdpx"))
    assert qde_guids(export_qdpx(project, tmp_path / "two.qdpx")) == first
    assert len(set(first)) == len(first)
    with Project(tmp_path / "other.annotator") as other:
        assert not set(qde_guids(export_qdpx(other, tmp_path / "other.qdpx"))) & set(first)


def test_a_project_open_read_only_exports_unchanged_and_keeps_the_guids_a_writable_export_made(
        project, rich, tmp_path):
    # Issue 12, item 18: the export saved its GUID namespace into the project, which read-only refused.
    shared = project.store.engine == "postgresql"
    path = project.store.url if shared else project.path
    before = dump(project) if shared else None
    project.close()
    before = before or path.read_bytes()
    with Project(path, create=False, read_only=True) as reader:
        fresh = qde_guids(export_qdpx(reader, tmp_path / "read-only.qdpx"))
        assert (dump(reader) if shared else path.read_bytes()) == before
    assert len(set(fresh)) == len(fresh)
    with Project(path, create=False) as writer:
        stored = qde_guids(export_qdpx(writer, tmp_path / "writable.qdpx"))
    with Project(path, create=False, read_only=True) as reader:
        assert qde_guids(export_qdpx(reader, tmp_path / "again.qdpx")) == stored


def qde_guids(path):
    return sorted(e.get("guid") for e in qde_root(path).iter() if e.get("guid"))


def test_exporting_to_a_missing_folder_says_so_and_leaves_nothing(project, tmp_path):
    with pytest.raises(ProjectError, match="Cannot write"):
        export_qdpx(project, tmp_path / "missing" / "study.qdpx")
    assert not (tmp_path / "missing").exists()


def test_a_failed_export_keeps_the_old_file_and_leaves_no_temporary_file(project, tmp_path, monkeypatch):
    out = tmp_path / "study.qdpx"
    out.write_bytes(b"old")
    from annotator.core.interchange.refi import export as module

    def broken(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "_zip", broken)
    with pytest.raises(ProjectError, match="No space left"):
        export_qdpx(project, out)
    assert out.read_bytes() == b"old"
    assert not [p.name for p in tmp_path.iterdir() if "study" in p.name and p != out]


_WHO_AND_WHEN = {"creatingUser", "creationDateTime", "modifyingUser", "modifiedDateTime", "creatingUserGUID",
                 "modifyingUserGUID"}


def _stamped_elements(schema) -> dict[str, set[str]]:
    """Element name -> the who-and-when attributes its type declares, read from the official schema."""
    found: dict[str, set[str]] = {}
    for element in schema.iter_components(xmlschema.XsdElement):
        if element.type.is_complex() and set(element.type.attributes) & _WHO_AND_WHEN:
            found.setdefault(element.local_name, set()).update(set(element.type.attributes) & _WHO_AND_WHEN)
    return found


def test_every_element_that_can_say_who_and_when_says_it(project, rich, tmp_path, project_schema):
    # QualCoder's importer needs creationDateTime on every Note, though the schema makes it optional.
    project.annotations.annotator = ""  # an annotation nobody signed
    unsigned = project.annotations.add(rich["doc"], project.codebook.by_name("Quote"), 0, 3, note="who?")
    with project.store.write() as db:  # a date that is no xsd:dateTime, as an old import stored it
        db.execute("UPDATE annotations SET created_at = 'last Tuesday' WHERE id = ?", (rich["said"].id,))
    out = export_qdpx(project, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        project_schema.validate(archive.read("project.qde").decode("utf-8"))
    root = qde_root(out)
    users = {u.get("guid") for u in root.iterfind("q:Users/q:User", NS)}
    expected = _stamped_elements(project_schema)
    seen = set()
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        for attribute in expected.get(name, ()):
            assert element.get(attribute), (name, element.get("name"), attribute)
            if "User" in attribute:
                assert element.get(attribute) in users, (name, attribute)
        seen.add(name)
    assert {"Project", "TextSource", "PlainTextSelection", "Coding", "Note"} <= seen & set(expected)
    # What stood in for the missing signature and the odd date does not come back in their place.
    with Project(tmp_path / "copy.annotator") as copy:
        from annotator.core.interchange.refi import import_qdpx

        import_qdpx(copy, out)
        assert copy.annotations.get(unsigned.id).annotator == ""
        assert copy.annotations.get(rich["said"].id).created_at == "last Tuesday"
