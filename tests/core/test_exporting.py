"""CSV export: exact offsets, encoding, quoting, the Excel variant and safe replacement."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.files import write_csv
from annotator.core.interchange.tables import (
    ANNOTATION_COLUMNS,
    DOCUMENT_COLUMNS,
    ENTITY_COLUMNS,
    MEMO_COLUMNS,
    annotation_columns,
    export_annotations,
    export_documents,
    export_entities,
    export_memos,
)
from tests.core.engines import location
from tests.support import read_csv_rows as _read
from tests.support import read_with_pandas as _read_with_pandas

pytestmark = pytest.mark.both_engines

# Every id and offset column: pandas reads them as nullable integers (see docs/csv-format.md).
INT_COLUMNS = ["start", "end", "cue_start", "cue_end", "entity_id", "source_entity_id",
               "target_entity_id", "holder_entity_id"]
from annotator.core.project import Project

BOM = b"\xef\xbb\xbf"
LAUNCH = "Launch 🚀 day: 월마트 👩‍👩‍👧 and AWS"
# "Café" with a combining acute accent, and 한국 written as conjoining jamo.
COMBINING = "Cafe\u0301 \u1112\u1161\u11ab\u1100\u116e\u11a8 opens"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd", "-2+3", "@SUM(A1)"]


def _span(project: Project, doc_id: int, label: str, text: str, piece: str, **kw):
    start = text.index(piece)
    return project.annotations.add(doc_id, project.codebook.by_name(label), start, start + len(piece), **kw)


@pytest.fixture
def project(engine: str, tmp_path: Path, request: pytest.FixtureRequest):
    p = Project(location(request, tmp_path, "study.annotator"))
    text1 = f"{LAUNCH}.\nSaid \"Kim, Ji-ho\": prices fell, again.\n{COMBINING}\n-2+3 is five"
    text2 = "아마존과 월마트가 경쟁한다.\r\nSecond line, with \"quotes\"."
    d1 = p.documents.add(title="Retail, \"AI\" & 월마트", text=text1, source="/data/기사 1.txt")
    d2 = p.documents.add(title=FORMULAS[0], text=text2, source="second.txt")
    # Added out of reading order, so the export has to sort them.
    _span(p, d1, "Claim", text1, "prices fell, again.", note="multi\nline, \"quoted\" note")
    _span(p, d1, "Event", text1, "Launch 🚀 day", note=FORMULAS[1])
    _span(p, d1, "Organization", text1, "월마트 👩‍👩‍👧", note="NA")
    _span(p, d1, "Location", text1, "\u1112\u1161\u11ab\u1100\u116e\u11a8", note="crlf\r\nnote")
    _span(p, d1, "Organization", text1, "Cafe\u0301", note=FORMULAS[3])
    _span(p, d1, "Figure", text1, "-2+3", note=FORMULAS[2])
    p.annotations.add(d1, p.codebook.by_name("Favor"), target="AWS", note=FORMULAS[0])
    _span(p, d2, "Organization", text2, "월마트")
    _span(p, d2, "Quote", text2, "Second line, with \"quotes\".", target=None)
    p.annotations.add(d2, p.codebook.by_name("Against"), target="아마존")
    yield p
    p.close()




def test_every_span_text_is_the_document_slice(project, tmp_path):
    ann, docs = tmp_path / "ann.csv", tmp_path / "docs.csv"
    assert export_annotations(project, ann) == project.annotations.count() == 10
    assert export_documents(project, docs) == 2

    doc_text = {row["document_id"]: row["text"] for row in _read(docs)}
    assert doc_text == {str(i): project.documents.text(i) for i in project.documents.ids()}
    rows = _read(ann)
    assert len(rows) == 10
    for row in rows:
        if row["start"]:
            assert row["text"] == doc_text[row["document_id"]][int(row["start"]):int(row["end"])]
        else:
            assert row["end"] == row["text"] == ""
            assert row["layer"] == "stance" and row["target"]
    emoji_row = next(r for r in rows if r["label"] == "Event")
    assert emoji_row["text"] == "Launch 🚀 day"
    assert (emoji_row["start"], emoji_row["end"]) == ("0", "12")  # 🚀 is one code point
    family = next(r for r in rows if r["text"].startswith("월마트 "))
    assert family["text"] == "월마트 👩‍👩‍👧" and family["note"] == "NA"


def test_headers_and_row_values(project, tmp_path):
    ann, docs = tmp_path / "ann.csv", tmp_path / "docs.csv"
    export_annotations(project, ann)
    export_documents(project, docs)
    with open(ann, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    # The fixed columns, then one per attribute of the default codebook.
    assert header == annotation_columns(project) and header[:len(ANNOTATION_COLUMNS)] == ANNOTATION_COLUMNS
    assert {"attr_verdict", "attr_intensity"} <= set(header[len(ANNOTATION_COLUMNS):])
    with open(docs, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == DOCUMENT_COLUMNS
    assert DOCUMENT_COLUMNS[-2:] == ["status", "memo"]

    first = project.annotations.for_document(1)[1]
    row = next(r for r in _read(ann) if r["annotation_id"] == str(first.id))
    label = project.codebook.label(first.label_id)
    assert row == {
        "annotation_id": str(first.id), "document_id": "1", "document_title": "Retail, \"AI\" & 월마트",
        "layer": label.layer, "label": label.name, "start": str(first.start), "end": str(first.end),
        "text": first.text, "target": "", "note": first.note, "annotator": first.annotator,
        "created_at": first.created_at, "updated_at": first.updated_at,
        **{column: "" for column in header[13:]},  # no roles, cue or attribute values here
    }
    assert ANNOTATION_COLUMNS[:13] == [  # the columns analysts' scripts already rely on, in order
        "annotation_id", "document_id", "document_title", "layer", "label", "start", "end",
        "text", "target", "note", "annotator", "created_at", "updated_at",
    ]
    project.documents.set_status(2, "done")
    export_documents(project, docs)
    doc_rows = _read(docs)
    assert [r["status"] for r in doc_rows] == ["todo", "done"]
    assert doc_rows[0]["source"] == "/data/기사 1.txt"
    assert doc_rows[0]["sha256"] == project.documents.get(1).sha256


def test_rows_follow_documents_then_reading_order(project, tmp_path):
    out = tmp_path / "ann.csv"
    export_annotations(project, out)
    keys = [(int(r["document_id"]), int(r["start"]) if r["start"] else -1) for r in _read(out)]
    assert keys == sorted(keys)
    assert keys[0] == (1, -1)  # the document-level stance leads its document


def test_research_variant_is_rfc4180_utf8_without_bom(project, tmp_path):
    out = tmp_path / "ann.csv"
    export_annotations(project, out)
    raw = out.read_bytes()
    assert not raw.startswith(BOM)
    raw.decode("utf-8")
    assert raw.startswith(b"annotation_id,document_id,document_title,layer,label,start,end,text,")
    assert raw.split(b"\n", 1)[0].endswith(b"\r")
    assert raw.endswith(b"\r\n")
    # Line breaks inside a field stay as the analyst typed them, inside quotes.
    assert '"multi\nline, ""quoted"" note"'.encode() in raw
    assert b'"crlf\r\nnote"' in raw
    notes = {r["note"] for r in _read(out)}
    assert {"multi\nline, \"quoted\" note", "crlf\r\nnote"} <= notes


def test_research_variant_keeps_formula_like_values_exact(project, tmp_path):
    out = tmp_path / "ann.csv"
    export_annotations(project, out)
    rows = _read(out)
    assert {r["note"] for r in rows} >= set(FORMULAS)
    assert any(r["text"] == "-2+3" for r in rows)
    assert {r["document_title"] for r in rows} >= {FORMULAS[0]}


def test_excel_variant_has_bom_and_neutralises_formulas(project, tmp_path):
    out, docs = tmp_path / "ann-excel.csv", tmp_path / "docs-excel.csv"
    assert export_annotations(project, out, excel=True) == 10
    export_documents(project, docs, excel=True)
    assert out.read_bytes().startswith(BOM) and docs.read_bytes().startswith(BOM)
    assert out.read_bytes().count(BOM) == 1

    rows = _read(out, encoding="utf-8-sig")
    assert list(rows[0]) == annotation_columns(project)  # the BOM does not stick to the first column name
    notes = {r["note"] for r in rows}
    assert {"'" + f for f in FORMULAS} <= notes
    assert not notes & set(FORMULAS)
    assert any(r["text"] == "'-2+3" for r in rows)
    assert any(r["document_title"] == "'" + FORMULAS[0] for r in rows)
    # Everything else is untouched: Korean, emoji, offsets.
    assert any(r["text"] == "월마트 👩‍👩‍👧" for r in rows)
    assert {r["start"] for r in rows} == {r["start"] for r in _read_research(project, tmp_path)}
    assert _read(docs, encoding="utf-8-sig")[1]["title"] == "'" + FORMULAS[0]


def _read_research(project, tmp_path):
    out = tmp_path / "research.csv"
    export_annotations(project, out)
    return _read(out)


def test_pandas_reads_the_same_values(project, tmp_path):
    ann, docs = tmp_path / "ann.csv", tmp_path / "docs.csv"
    export_annotations(project, ann)
    export_documents(project, docs)
    df, dd = _read_with_pandas(ann, docs)
    assert list(df.columns) == annotation_columns(project) and list(dd.columns) == DOCUMENT_COLUMNS
    assert all(str(df[c].dtype) == "Int64" for c in INT_COLUMNS)

    texts = dict(zip(dd["document_id"], dd["text"]))
    assert texts[2] == project.documents.text(2)  # CRLF inside the text survives
    expected = _read(ann)
    assert len(df) == len(expected)
    for record, row in zip(df.to_dict("records"), expected):
        assert {k: str(v) for k, v in record.items() if k not in INT_COLUMNS} == {
            k: v for k, v in row.items() if k not in INT_COLUMNS
        }
        assert all(pd.isna(record[c]) for c in INT_COLUMNS[2:])  # no roles or cues in this project
        if row["start"]:
            assert (record["start"], record["end"]) == (int(row["start"]), int(row["end"]))
            assert record["text"] == texts[record["document_id"]][record["start"]:record["end"]]
        else:
            assert pd.isna(record["start"]) and pd.isna(record["end"]) and record["text"] == ""
    assert "월마트" in set(df["text"])
    assert "NA" in set(df["note"])  # not turned into a missing value

    excel_out = tmp_path / "excel.csv"
    export_annotations(project, excel_out, excel=True)
    excel = pd.read_csv(excel_out, encoding="utf-8-sig", keep_default_na=False)
    assert list(excel.columns) == annotation_columns(project)
    assert "월마트 👩‍👩‍👧" in set(excel["text"])


def test_empty_project_writes_only_the_header(tmp_path):
    with Project(tmp_path / "empty.annotator") as p:
        assert export_annotations(p, tmp_path / "a.csv") == 0
        assert export_documents(p, tmp_path / "d.csv") == 0
        assert export_entities(p, tmp_path / "e.csv") == 0
        assert export_memos(p, tmp_path / "m.csv") == 0
        header = annotation_columns(p)
    assert (tmp_path / "a.csv").read_bytes() == (",".join(header) + "\r\n").encode()
    assert (tmp_path / "d.csv").read_bytes() == (",".join(DOCUMENT_COLUMNS) + "\r\n").encode()
    assert (tmp_path / "e.csv").read_bytes() == (",".join(ENTITY_COLUMNS) + "\r\n").encode()
    assert (tmp_path / "m.csv").read_bytes() == (",".join(MEMO_COLUMNS) + "\r\n").encode()


def test_existing_file_is_replaced(project, tmp_path):
    out = tmp_path / "ann.csv"
    out.write_text("old contents that are much longer than nothing\n" * 1000)
    export_annotations(project, out)
    assert len(_read(out)) == 10
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_out_path_that_is_a_folder_fails_without_leftovers(project, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    before = sorted(tmp_path.iterdir())
    with pytest.raises(IsADirectoryError):
        export_annotations(project, folder)
    with pytest.raises(IsADirectoryError):
        export_documents(project, folder, excel=True)
    assert sorted(tmp_path.iterdir()) == before
    assert list(folder.iterdir()) == []


def test_missing_folder_fails_without_leftovers(project, tmp_path):
    with pytest.raises(FileNotFoundError):
        export_annotations(project, tmp_path / "no such folder" / "ann.csv")
    assert not (tmp_path / "no such folder").exists()


def test_failure_while_writing_keeps_the_old_file_and_no_temp(tmp_path):
    out = tmp_path / "ann.csv"
    out.write_bytes(b"previous export\r\n")

    def rows():
        yield [1, "월마트"]
        yield [2, "two"]
        raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError):
        write_csv(out, ["id", "name"], rows())
    assert out.read_bytes() == b"previous export\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ann.csv"]


def test_refuses_to_overwrite_the_project_file(project, tmp_path, monkeypatch):
    if project.store.engine == "postgresql":
        # A shared project has no file: a CSV named like its database, here, is just a CSV.
        monkeypatch.chdir(tmp_path)
        assert export_annotations(project, project.path.name) == 10
        assert (tmp_path / project.path.name).read_text(encoding="utf-8").startswith("annotation_id,")
        return
    with pytest.raises(ProjectError, match="project file itself"):
        export_annotations(project, project.path)
    with pytest.raises(ProjectError):
        export_documents(project, tmp_path / "sub" / ".." / "study.annotator")
    assert project.annotations.count() == 10
    with Project(project.path, create=False) as again:
        assert again.documents.count() == 2
