"""Exports and coders (issue 14, items 4, 6 and 7): every coder's codes with a coder column by default,
one coder's with --coder, and a one-coder project's tables byte for byte as before coders were exported."""

from __future__ import annotations

import pytest

from tests.core.engines import ENGINES, location
from tests.core.export_golden import GOLDEN, build_one_coder_project, frozen_clock, table_exports


@pytest.fixture(scope="module", params=ENGINES)
def one_coder_tables(request, tmp_path_factory) -> dict[str, bytes]:
    """The tables of the one-coder project, built in a project file and in a shared project: the same bytes."""
    folder = tmp_path_factory.mktemp("one-coder")
    where = location(request, folder, "one-coder.annotator", request.param)
    with frozen_clock(), build_one_coder_project(where) as project:
        return table_exports(project, folder)


def test_a_one_coder_project_exports_its_tables_exactly_as_before(one_coder_tables):
    # The fixtures were written by the exports as they were before coders existed in them.
    expected = {path.name: path.read_bytes() for path in GOLDEN.glob("one-coder-*")}
    assert sorted(one_coder_tables) == sorted(expected)
    for name, data in expected.items():
        assert one_coder_tables[name].decode("utf-8") == data.decode("utf-8"), name


# -- two coders ------------------------------------------------------------------------------

import csv
import io
import json
import zipfile

import xmlschema

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.formats import export
from annotator.core.interchange.refi import import_qdpx
from annotator.core.project import Project
from tests.core.refi_support import FIXTURES, NS, qde_root
from tests.support import span_of

TEXT = "Walmart cut prices, Amazon said. Walmart denied it."


@pytest.fixture(params=ENGINES)
def two(request, tmp_path):
    """kim and lee both coded document 1 (differently), kim alone document 2; nobody document 3 (on each engine)."""
    p = Project(location(request, tmp_path, "two.annotator", request.param))
    org, claim, favor = (p.codebook.by_name(n) for n in ("Organization", "Claim", "Favor"))
    d1 = p.documents.add(title="One", text=TEXT)
    d2 = p.documents.add(title="Two", text="Amazon opened a store.")
    p.documents.add(title="Three", text="Nothing here.")
    p.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    p.annotations.annotator = "kim"
    p.annotations.add(d1, org, *span_of(TEXT, "Walmart"))
    p.annotations.add(d1, favor, target="Walmart")
    p.codesheet.set(d1, "topic", "Economy")
    p.annotations.add(d2, org, 0, 6)
    p.annotations.annotator = "lee"
    p.annotations.add(d1, org, *span_of(TEXT, "Amazon"))
    p.annotations.add(d1, claim, *span_of(TEXT, "Walmart cut prices"))
    p.annotations.add(d1, favor, target="Amazon")
    p.codesheet.set(d1, "topic", "Politics")
    yield p
    p.close()


def _table(project, tmp_path, fmt, **options) -> list[dict[str, str]]:
    out = tmp_path / f"{fmt}.csv"
    export(project, fmt, out, **options)
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))


def test_the_annotations_csv_names_each_annotations_coder_after_its_annotator(two, tmp_path):
    rows = _table(two, tmp_path, "csv")
    assert list(rows[0])[list(rows[0]).index("annotator") + 1] == "coder"
    assert sorted((row["document_id"], row["text"], row["coder"]) for row in rows) == [
        ("1", "", "kim"), ("1", "", "lee"), ("1", "Amazon", "lee"), ("1", "Walmart", "kim"),
        ("1", "Walmart cut prices", "lee"), ("2", "Amazon", "kim")]


def test_one_coders_annotations_csv_holds_only_theirs_with_no_coder_column(two, tmp_path):
    for variant in (False, True):  # SQLite's block writer, and csv.writer for the Excel variant
        out = tmp_path / f"lee-{variant}.csv"
        assert export(two, "csv", out, coder="lee", excel=variant) == 3
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
        assert "coder" not in rows[0]
        assert sorted(row["text"] for row in rows) == ["", "Amazon", "Walmart cut prices"]
        assert {row["annotator"] for row in rows} == {"lee"}


def test_the_matrix_has_a_row_per_document_and_coder_who_coded_it(two, tmp_path):
    rows = _table(two, tmp_path, "matrix")
    assert list(rows[0])[:3] == ["document_id", "title", "coder"]
    assert [(r["document_id"], r["coder"], r["Organization"], r["Claim"], r["Favor"]) for r in rows] == [
        ("1", "kim", "1", "0", "1"), ("1", "lee", "1", "1", "1"), ("2", "kim", "1", "0", "0"), ("3", "", "0", "0", "0")]
    lee = _table(two, tmp_path, "matrix-binary", coder="lee")
    assert "coder" not in lee[0]
    assert [(r["document_id"], r["Organization"], r["Claim"]) for r in lee] == [("1", "1", "1"), ("2", "0", "0"),
                                                                                ("3", "0", "0")]


def test_the_coding_table_has_each_coders_counts_targets_and_answers(two, tmp_path):
    rows = _table(two, tmp_path, "coding", labels=True)
    assert list(rows[0])[:4] == ["document_id", "title", "coder", "status"]
    assert [(r["document_id"], r["coder"], r["n_organization"], r["targets_favor"], r["var_topic"]) for r in rows] == [
        ("1", "kim", "1", "Walmart", "Economy"), ("1", "lee", "1", "Amazon", "Politics"), ("2", "kim", "1", "", ""),
        ("3", "", "0", "", "")]
    kim = _table(two, tmp_path, "coding", coder="kim")
    assert "coder" not in kim[0]
    assert [(r["n_claim"], r["targets_favor"], r["var_topic"]) for r in kim] == [("0", "Walmart", "1"),
                                                                                 ("0", "", ""), ("0", "", "")]


def test_json_lines_has_a_record_per_document_and_coder_with_their_variables(two, tmp_path):
    out = tmp_path / "two.jsonl"
    assert export(two, "jsonl", out) == 4
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["coder"], r["variables"]) for r in records] == [
        (1, "kim", {"topic": 1}), (1, "lee", {"topic": 2}), (2, "kim", {}), (3, None, {})]
    assert [s["text"] for s in records[1]["spans"]] == ["Walmart cut prices", "Amazon"]
    assert [c["target"] for c in records[1]["document_codes"]] == ["Amazon"]
    export(two, "jsonl", out, coder="lee", labels=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["coder"], r["variables"], len(r["spans"])) for r in records] == [
        (1, "lee", {"topic": "Politics"}, 2), (2, None, {}, 0), (3, None, {}, 0)]


def test_an_export_for_a_coder_the_project_lacks_says_who_there_is(two, tmp_path):
    with pytest.raises(ProjectError, match="No coder is called 'park'.*kim, lee"):
        export(two, "matrix", tmp_path / "x.csv", coder="park")
    assert not (tmp_path / "x.csv").exists()


def test_a_qdpx_keeps_each_codings_coder_both_ways(two, tmp_path):
    out = tmp_path / "two.qdpx"
    export(two, "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        xmlschema.XMLSchema(str(FIXTURES / "Project-mrt2019.xsd")).validate(archive.read("project.qde").decode())
    root = qde_root(out)
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["kim", "lee"]
    with Project(tmp_path / "fresh.annotator") as fresh:
        fresh.annotations.annotator = "lead"
        import_qdpx(fresh, out)
        coded = sorted((a.text, fresh.coders.get(a.coder_id).name) for a in fresh.annotations.iter_all())
    assert coded == [("", "kim"), ("", "lee"), ("Amazon", "kim"), ("Amazon", "lee"), ("Walmart", "kim"),
                     ("Walmart cut prices", "lee")]


def test_a_qdpx_for_one_coder_holds_only_their_codings(two, tmp_path):
    out = tmp_path / "kim.qdpx"
    export(two, "qdpx", out, coder="kim")
    root = qde_root(out)
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    codings = root.findall(".//q:Coding", NS)
    assert len(codings) == 3
    assert {users[coding.get("creatingUser")] for coding in codings} == {"kim"}
