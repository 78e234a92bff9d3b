"""Matrix, coding table, JSON Lines and Web Annotation exports, read back the way a researcher would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.formats import (
    FORMATS,
    ExportCancelled,
    export,
    export_document_coding,
    export_matrix,
    preview,
    variable_name,
)
from annotator.core.interchange.json_formats import QUOTE_CONTEXT, export_jsonl, export_webanno
from annotator.core.project import Project
from tests.core.engines import ENGINES, location
from tests.support import dump, span_of

pytestmark = pytest.mark.both_engines

BOM = b"\xef\xbb\xbf"
KOREAN = "서울 🚀 발사: 월마트 👩‍👩‍👧 와 아마존이 경쟁한다. 김지호 대변인은 \"가격이 내렸다\"고 말했다."
ENGLISH = "=SUM(A1) is not a formula here. Amazon and Walmart argue; Walmart said prices fell by 3%."


@pytest.fixture(params=ENGINES)
def study(request, tmp_path: Path):
    p = Project(location(request, tmp_path, "study.annotator", request.param))
    org, person, claim = (p.codebook.by_name(n) for n in ("Organization", "Person", "Claim"))
    favor, against = p.codebook.by_name("Favor"), p.codebook.by_name("Against")
    d1 = p.documents.add(title="월마트 🚀 기사", text=KOREAN)
    d2 = p.documents.add(title="=HYPERLINK(\"x\")", text=ENGLISH)
    p.documents.add(title="Untouched", text="Nothing coded in this one.")
    p.metadata.set_many(d1, {"outlet": "한겨레", "date": "2024-05-01", "section": "경제"})
    p.metadata.set_many(d2, {"outlet": "+Wire", "url": "https://news.example/a?id=1"})
    p.documents.set_status(d2, "done")
    p.documents.set_memo(d1, "다시 확인")
    walmart = p.entities.create("Walmart", org, aliases=("월마트",))
    family = p.annotations.add(d1, org, *span_of(KOREAN, "월마트 👩‍👩‍👧"), note="-1 check")
    p.annotations.link_entity(family.id, walmart.id)
    p.annotations.add(d1, person, *span_of(KOREAN, "김지호"))
    said = p.annotations.add(d1, claim, *span_of(KOREAN, "\"가격이 내렸다\""), source="김지호 대변인")
    p.annotations.set_cue(said.id, *span_of(KOREAN, "말했다"))
    verdict = next(a for a in p.codebook.attributes(claim.id) if a.name == "verdict")
    p.values.set(said.id, verdict.id, "false")
    p.annotations.add(d1, favor, target="아마존")
    p.annotations.add(d1, favor, target_entity_id=walmart.id)
    p.annotations.add(d1, favor, target="아마존")  # coded twice: one value in the coding table
    p.annotations.add(d2, org, *span_of(ENGLISH, "Walmart", 1))
    p.annotations.add(d2, org, *span_of(ENGLISH, "Amazon"))
    p.annotations.add(d2, against, *span_of(ENGLISH, "prices fell"), target="Walmart", holder="Amazon")
    p.annotations.add(d2, against, target="Walmart")
    yield p
    p.close()


def _counts(project: Project) -> dict[tuple[int, str], int]:
    rows = project.store.query(
        "SELECT a.document_id, l.name, count(*) FROM annotations a JOIN labels l ON l.id = a.label_id "
        "GROUP BY a.document_id, l.name")
    return {(doc_id, name): n for doc_id, name, n in rows}


# -- matrix ------------------------------------------------------------------------------


def test_matrix_counts_equal_the_database(study, tmp_path):
    out = tmp_path / "matrix.csv"
    assert export_matrix(study, out) == 3
    frame = pd.read_csv(out, encoding="utf-8")
    labels = [label.name for label in study.codebook.codable_labels()]
    assert list(frame.columns) == ["document_id", "title", *labels]
    assert list(frame["document_id"]) == study.documents.ids()
    assert list(frame["title"]) == [study.documents.get(i).title for i in study.documents.ids()]
    counts = _counts(study)
    for _, row in frame.iterrows():
        for name in labels:
            assert row[name] == counts.get((row["document_id"], name), 0), (row["document_id"], name)
    assert frame.loc[0, "Favor"] == 3 and frame.loc[1, "Against"] == 2  # spans and whole-document codes
    assert frame.loc[2, labels].sum() == 0


def test_binary_matrix_says_whether_a_label_is_used(study, tmp_path):
    out = tmp_path / "matrix01.csv"
    export_matrix(study, out, binary=True)
    frame = pd.read_csv(out)
    counts = _counts(study)
    labels = [label.name for label in study.codebook.codable_labels()]
    assert set(frame[labels].to_numpy().ravel()) == {0, 1}
    for _, row in frame.iterrows():
        assert [row[n] for n in labels] == [int(counts.get((row["document_id"], n), 0) > 0) for n in labels]


# -- coding table --------------------------------------------------------------------------


def test_coding_table_has_one_row_per_document_and_one_column_per_variable(study, tmp_path):
    out = tmp_path / "coding.csv"
    assert export_document_coding(study, out) == 3
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    labels = study.codebook.codable_labels()
    assert list(frame.columns) == [
        "document_id", "title", "status", "memo", "meta_outlet", "meta_date", "meta_url", "meta_section",
        *(f"n_{variable_name(label.name)}" for label in labels),
        "targets_favor", "targets_against", "targets_neutral", "targets_mixed",
    ]
    first, second, third = frame.to_dict("records")
    assert (first["title"], first["status"], first["memo"]) == ("월마트 🚀 기사", "todo", "다시 확인")
    assert (first["meta_outlet"], first["meta_date"], first["meta_section"], first["meta_url"]) == (
        "한겨레", "2024-05-01", "경제", "")
    assert (second["status"], second["meta_outlet"], second["meta_url"]) == (
        "done", "+Wire", "https://news.example/a?id=1")
    # Whole-document stances only, in the order coded, each target once; an entity by its name.
    assert (first["targets_favor"], first["targets_against"]) == ("아마존; Walmart", "")
    assert (second["targets_favor"], second["targets_against"]) == ("", "Walmart")
    counts = _counts(study)
    for record in frame.to_dict("records"):
        for label in labels:
            assert int(record[f"n_{variable_name(label.name)}"]) == counts.get((int(record["document_id"]), label.name), 0)
    assert third["targets_favor"] == "" and third["meta_outlet"] == ""


def test_variable_names_suit_spss_and_keep_korean():
    assert variable_name("Product or service") == "product_or_service"
    assert variable_name("주장 (검증)") == "주장_검증"
    assert variable_name("!!!") == "x"


# -- Excel variants ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["matrix", "matrix-binary", "coding"])
def test_excel_variants_have_a_bom_and_inert_formulas(study, tmp_path, name):
    research, excel = tmp_path / "research.csv", tmp_path / "excel.csv"
    export(study, name, research)
    export(study, name, excel, excel=True)
    assert excel.read_bytes().startswith(BOM) and not research.read_bytes().startswith(BOM)
    with open(research, encoding="utf-8", newline="") as f:
        exact = list(csv.DictReader(f))
    with open(excel, encoding="utf-8-sig", newline="") as f:
        inert = list(csv.DictReader(f))
    assert exact[1]["title"] == "=HYPERLINK(\"x\")" and inert[1]["title"] == "'=HYPERLINK(\"x\")"
    assert inert[1]["Organization" if name != "coding" else "n_organization"] in ("2", "1")  # numbers stay numbers
    if name == "coding":
        assert (exact[1]["meta_outlet"], inert[1]["meta_outlet"]) == ("+Wire", "'+Wire")
    assert [r["document_id"] for r in inert] == [r["document_id"] for r in exact]


# -- JSON Lines ------------------------------------------------------------------------------------


def test_jsonl_spans_slice_the_text_exactly(study, tmp_path):
    out = tmp_path / "corpus.jsonl"
    assert export_jsonl(study, out) == 3
    raw = out.read_bytes()
    assert not raw.startswith(BOM) and "월마트".encode() in raw  # UTF-8, not \\u escapes
    records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    assert [r["id"] for r in records] == study.documents.ids()
    for record in records:
        doc = study.documents.get(record["id"])
        assert (record["title"], record["text"], record["status"]) == (doc.title, doc.text, doc.status)
        assert record["meta"] == study.metadata.get(doc.id)
        stored = study.annotations.for_document(doc.id)
        assert [s["id"] for s in record["spans"]] == [a.id for a in stored if not a.is_document_level]
        assert [c["id"] for c in record["document_codes"]] == [a.id for a in stored if a.is_document_level]
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
    korean = records[0]
    family = next(s for s in korean["spans"] if s["label"] == "Organization")
    start = KOREAN.index("월마트")
    assert (family["start"], family["end"]) == (start, start + 9)  # 3 syllables, a space, a 5-code-point emoji
    assert (family["entity"], family["note"]) == ("Walmart", "-1 check")
    claim = next(s for s in korean["spans"] if s["label"] == "Claim")
    assert (claim["layer"], claim["source"], claim["attributes"]) == ("claim", "김지호 대변인", {"verdict": "false"})
    assert korean["text"][claim["cue_start"]:claim["cue_end"]] == "말했다"
    assert [(c["label"], c["target"]) for c in korean["document_codes"]] == [
        ("Favor", "아마존"), ("Favor", "Walmart"), ("Favor", "아마존")]
    stance = next(s for s in records[1]["spans"] if s["label"] == "Against")
    assert (stance["target"], stance["holder"], stance["layer"]) == ("Walmart", "Amazon", "stance")
    assert records[2]["spans"] == [] and records[2]["meta"] == {}


# -- W3C Web Annotation -----------------------------------------------------------------------------


def test_webanno_is_a_json_ld_collection_with_both_selectors(study, tmp_path):
    out = tmp_path / "annotations.jsonld"
    assert export_webanno(study, out) == study.annotations.count() == 10
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert (data["type"], data["total"]) == ("AnnotationCollection", 10)
    page = data["first"]
    assert (page["type"], page["startIndex"]) == ("AnnotationPage", 0)
    items = page["items"]
    assert len({item["id"] for item in items}) == len(items) == 10
    by_id = {int(item["id"].rsplit(":", 1)[1]): item for item in items}
    for annotation in study.annotations.iter_all():
        item = by_id[annotation.id]
        doc = study.documents.get(annotation.document_id)
        assert item["type"] == "Annotation"
        assert item["created"] == annotation.created_at.replace("+00:00", "Z")
        tags = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
        assert tags == [study.codebook.label(annotation.label_id).name]
        target = item["target"]
        expected_source = ("https://news.example/a?id=1" if doc.id == 2 else f"urn:annotator:document:{doc.sha256}")
        assert target["source"] == expected_source
        if annotation.is_document_level:
            assert "selector" not in target
            continue
        quote, position = target["selector"]
        assert (position["type"], position["start"], position["end"]) == (
            "TextPositionSelector", annotation.start, annotation.end)
        assert quote["type"] == "TextQuoteSelector"
        assert quote["exact"] == doc.text[annotation.start:annotation.end] == annotation.text
        assert quote["prefix"] == doc.text[max(0, annotation.start - QUOTE_CONTEXT):annotation.start]
        assert quote["suffix"] == doc.text[annotation.end:annotation.end + QUOTE_CONTEXT]
    family = next(i for i in items if i["target"].get("selector", [{}])[0].get("exact") == "월마트 👩‍👩‍👧")
    start = KOREAN.index("월마트")
    assert family["target"]["selector"][1]["start"] == start  # code points, not UTF-16 units
    assert family["target"]["selector"][0]["prefix"] == KOREAN[max(0, start - 32):start]
    bodies = {b["purpose"]: b for b in family["body"]}
    assert bodies["identifying"]["value"] == "Walmart" and bodies["commenting"]["value"] == "-1 check"
    claim = next(i for i in items if any(b.get("value") == "Claim" for b in i["body"]))
    roles = {b.get("annotator:role"): b for b in claim["body"]}
    assert roles["source"]["value"] == "김지호 대변인"
    assert roles["cue"]["selector"][0]["exact"] == "말했다"
    assert [b["value"] for b in claim["body"] if b["purpose"] == "classifying"] == ["false"]


# -- every export: read-only, previews, bad input ----------------------------------------------------


@pytest.mark.parametrize("name", ["csv", "matrix", "matrix-binary", "coding", "jsonl", "webanno"])
def test_exports_leave_the_project_exactly_as_it_was(study, tmp_path, name):
    before = dump(study)
    export(study, name, tmp_path / f"out{FORMATS[name].suffix}")
    preview(study, name)
    assert dump(study) == before


@pytest.mark.parametrize("name", ["csv", "matrix", "matrix-binary", "coding"])
def test_csv_preview_is_the_start_of_the_real_file(study, tmp_path, name):
    out = tmp_path / "full.csv"
    export(study, name, out)
    with open(out, encoding="utf-8", newline="") as f:
        full = list(csv.reader(f))
    columns, text = preview(study, name, rows=2)
    assert columns == full[0]
    assert list(csv.reader(text.splitlines(keepends=True))) == full[:3]


def test_json_previews_show_the_first_records(study):
    fields, text = preview(study, "jsonl", rows=2)
    assert [json.loads(line)["id"] for line in text.splitlines()] == [1, 2]
    assert {"text", "meta", "spans[].start", "spans[].label", "document_codes[].target"} <= set(fields)
    fields, text = preview(study, "webanno", rows=3)
    data = json.loads(text)
    assert len(data["first"]["items"]) == 3 and data["total"] == 10
    assert "target.source" in fields


def test_preview_of_another_csv_kind_shows_its_columns(study):
    columns, text = preview(study, "csv", "documents", rows=1)
    assert columns[:3] == ["document_id", "title", "source"]
    assert len(list(csv.reader(text.splitlines(keepends=True)))) == 2


def test_cancelling_a_long_export_leaves_the_earlier_file(study, tmp_path):
    doc = study.documents.add(title="Long", text="word " * 400)
    person = study.codebook.by_name("Person")
    with study.store.write():
        for i in range(250):
            study.annotations.add(doc, person, i * 5, i * 5 + 4)
    out = tmp_path / "ann.csv"
    out.write_text("earlier export", encoding="utf-8")
    seen = []
    for name in ("csv", "webanno"):
        with pytest.raises(ExportCancelled):
            export(study, name, out, on_progress=lambda n: seen.append(n) or n < 200)
        assert out.read_text(encoding="utf-8") == "earlier export"
    assert seen == [100, 200, 100, 200]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("study.annotator")] == ["ann.csv"]  # no temp file


def test_bad_requests_are_refused_with_what_to_do(study, tmp_path):
    with pytest.raises(ProjectError, match="Unknown export format 'xlsx'; choose one of csv, matrix"):
        export(study, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(ProjectError, match="no Excel variant"):
        export(study, "jsonl", tmp_path / "x.jsonl", excel=True)
    if study.store.engine == "sqlite":  # a shared project has no file to overwrite
        with pytest.raises(ProjectError, match="is the project file itself"):
            export(study, "webanno", study.path)
    with pytest.raises(ProjectError, match="Unknown CSV export 'tags'"):
        export(study, "csv", tmp_path / "x.csv", what="tags")
    with pytest.raises(IsADirectoryError):
        export(study, "jsonl", tmp_path)
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "x.csv").exists()
