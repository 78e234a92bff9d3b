"""Annotator's JSON Lines export read back (issue 14, item 4): records matched by text, their codes a
coder's, missing labels and variables added, the whole file one edit, and a bad record named by line."""

from __future__ import annotations

import json

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.formats import export
from annotator.core.interchange.jsonl_import import import_jsonl, is_annotator_jsonl, new_variable
from annotator.core.project import Project
from tests.core.test_export_coders import TEXT, two  # noqa: F401  (the two-coder project fixture)

pytestmark = pytest.mark.both_engines


def _write(path, *records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _dump(project, tmp_path, name) -> dict[str, str]:
    found = {}
    for fmt in ("coding", "csv"):
        out = tmp_path / f"{name}-{fmt}.csv"
        export(project, fmt, out)
        found[fmt] = out.read_text(encoding="utf-8")
    return found


def _without_times(table: str) -> list[list[str]]:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(table, newline="")))
    drop = {i for i, c in enumerate(rows[0]) if c in ("annotation_id", "created_at", "updated_at")}
    return [[cell for i, cell in enumerate(row) if i not in drop] for row in rows]


def test_a_two_coder_export_read_into_a_fresh_project_gives_each_coder_their_codes(two, tmp_path):
    out = tmp_path / "two.jsonl"
    export(two, "jsonl", out)
    assert is_annotator_jsonl(out)
    with Project(tmp_path / "fresh.annotator") as fresh:
        fresh.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
        report = import_jsonl(fresh, out)
        assert (report.documents_added, report.annotations_added, report.answers) == (3, 6, 2)
        assert report.coders == {"kim": [2, 3], "lee": [1, 3]}
        assert fresh.codesheet.is_marked(2, coder="kim") and not fresh.codesheet.is_marked(2, coder="lee")
        theirs, ours = _dump(two, tmp_path, "two"), _dump(fresh, tmp_path, "fresh")
        assert ours["coding"] == theirs["coding"]
        assert _without_times(ours["csv"]) == _without_times(theirs["csv"])
        again = import_jsonl(fresh, out)  # the same file twice adds nothing
        assert (again.documents_added, again.annotations_added, again.annotations_known) == (0, 0, 6)
        assert _dump(fresh, tmp_path, "again")["coding"] == theirs["coding"]


def test_records_match_documents_by_text_and_take_the_given_coder(two, tmp_path):
    path = tmp_path / "park.jsonl"
    _write(path, {"id": 99, "title": "elsewhere", "text": TEXT, "coder": "kim",
                  "spans": [{"start": 0, "end": 7, "label": "Organization", "layer": "entity", "text": "Walmart"}],
                  "document_codes": [{"label": "Against", "target": "Walmart"}], "variables": {"topic": "Politics"}})
    before = two.documents.count()
    report = import_jsonl(two, path, coder="park")
    assert two.documents.count() == before and report.documents_matched == 1
    park = two.coders.named("park")
    mine = [a for a in two.annotations.for_document(1) if a.coder_id == park.id]
    assert sorted((a.text, a.annotator) for a in mine) == [("", "park"), ("Walmart", "park")]
    assert two.codesheet.answers(1, coder="park") == {two.variables.named("topic").id: "2"}
    assert two.codesheet.is_done(1, coder="park")


def test_labels_and_variables_the_project_lacks_are_added_with_types_read_from_the_values(tmp_path):
    text = "Samsung sued Apple in Seoul."
    path = tmp_path / "pipeline.jsonl"
    _write(path,
           {"text": text, "annotator": "model-v2",
            "spans": [{"start": 0, "end": 7, "label": "Company", "layer": "entity", "attributes": {"confidence": "0.93"}}],
            "variables": {"frame": "conflict", "actors": ["Samsung", "Apple"], "court": True, "scale": 3}},
           {"text": "Apple won.", "annotator": "model-v2",
            "variables": {"frame": "economy", "actors": ["Apple"], "court": False, "scale": 5}})
    with Project(tmp_path / "p.annotator") as p:
        report = import_jsonl(p, path)
        assert report.labels_added == ["Company (entity)"] and report.documents_added == 2
        kinds = {v.name: (v.kind, v.level, [(c.code, c.label) for c in v.choices]) for v in p.variables.list()}
        assert kinds == {"frame": ("single_choice", "nominal", [(1, "conflict"), (2, "economy")]),
                         "actors": ("multiple_choice", "nominal", [(1, "Samsung"), (2, "Apple")]),
                         "court": ("yes_no", "nominal", []),
                         "scale": ("single_choice", "nominal", [(3, "3"), (5, "5")])}
        span = p.annotations.for_document(1)[0]
        assert (span.text, p.coders.get(span.coder_id).name) == ("Samsung", "model-v2")
        company = p.codebook.by_name("Company")
        confidence = p.codebook.attributes(company.id)[0]
        assert (confidence.name, confidence.kind, p.values.of(span.id)) == ("confidence", "text",
                                                                            {confidence.id: "0.93"})
        out = tmp_path / "back.jsonl"
        export(p, "jsonl", out, labels=True)
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert first["variables"] == {"frame": "conflict", "actors": ["Samsung", "Apple"], "court": "yes",
                                      "scale": "3"}


def test_a_bad_record_refuses_the_whole_file_naming_its_line(two, tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {"text": "A new article.", "coder": "kim",
            "spans": [{"start": 0, "end": 1, "label": "Brand new", "layer": "entity"}]}
    bad = {"text": TEXT, "coder": "kim", "spans": [{"start": 0, "end": 7, "label": "Organization", "text": "Amazon"}]}
    _write(path, good, good | {"text": "Another one."}, bad)
    counts = (two.documents.count(), two.annotations.count(), len(two.codebook.labels()), len(two.coders.list()))
    with pytest.raises(ProjectError, match=r"bad.jsonl, line 3: the span 'Organization' at 0–7 says 'Amazon'"):
        import_jsonl(two, path)
    # A record the project refuses (not its shape) also names its line, and leaves nothing behind.
    _write(path, good, {"text": TEXT, "coder": "kim", "variables": {"topic": "Sports"}})
    with pytest.raises(ProjectError, match=r"bad.jsonl, line 2: topic has no choice 'Sports'.*Nothing was imported"):
        import_jsonl(two, path)
    assert (two.documents.count(), two.annotations.count(), len(two.codebook.labels()),
            len(two.coders.list())) == counts


def test_a_corpus_file_is_not_taken_for_an_export(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    _write(corpus, {"text": "Just an article.", "outlet": "Wire", "annotator": "desk"})
    assert not is_annotator_jsonl(corpus)
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    assert not is_annotator_jsonl(tmp_path / "broken.jsonl")


def test_new_variable_types_follow_the_documented_rule():
    assert new_variable([True, False]) == ("yes_no", [])
    assert new_variable([[1, 2], [3]]) == ("multiple_choice", [(1, "1"), (2, "2"), (3, "3")])
    assert new_variable(["b", 1, "a", "B", "2"]) == ("single_choice", [(3, "b"), (1, "1"), (4, "a"), (2, "2")])

