"""`annotator import FILE.jsonl [--coder NAME]` (issue 14, item 4): an Annotator export brings its codes back
as a coder's; a corpus .jsonl is still a corpus; a bad record refuses the file with its line number."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main
from annotator.core.project import Project


def _write(path: Path, *records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_an_exported_jsonl_comes_back_as_the_named_coders_codes(project_location, tmp_path, capsys):
    source = _write(tmp_path / "coded.jsonl", {
        "text": "월마트가 가격을 내렸다.", "title": "월마트", "meta": {"outlet": "한겨레"}, "coder": "kim",
        "spans": [{"start": 0, "end": 3, "label": "Organization", "layer": "entity", "text": "월마트"}],
        "document_codes": [], "variables": {"tone": "negative"}})
    corpus = _write(tmp_path / "corpus.jsonl", {"text": "Plain article.", "title": "Plain"})
    project = project_location
    code = main(["import", "--project", str(project), str(source), str(corpus), "--coder", "lee"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Imported coded.jsonl: 1 new document, 0 documents matched by text, 1 annotation and 1 answer added." in out
    assert "  lee: coded 1 document, 1 annotation added" in out
    assert "Added to the codesheet (nominal; check their types): tone." in out
    with Project(project) as p:
        assert [p.documents.get(i).title for i in p.documents.ids()] == ["월마트", "Plain"]
        assert [c.name for c in p.coders.list()] == ["lee"]
        assert p.metadata.get(1) == {"outlet": "한겨레"}
        assert p.codesheet.is_done(1, coder="lee") and not p.codesheet.is_marked(2, coder="lee")


def test_a_bad_record_is_named_by_line_and_nothing_comes_in(project_location, tmp_path, capsys):
    bad = _write(tmp_path / "bad.jsonl", {"text": "One.", "spans": []},
                 {"text": "Two.", "spans": [{"start": 0, "end": 9, "label": "Person", "layer": "entity"}]})
    project = project_location
    assert main(["import", "--project", str(project), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: bad.jsonl, line 2: the span 'Person' runs 0–9, not within the text")
    with Project(project) as p:
        assert p.documents.count() == 0


def test_coder_without_an_exported_jsonl_is_refused(tmp_path, capsys):
    corpus = _write(tmp_path / "corpus.jsonl", {"text": "Plain article."})
    assert main(["import", "--project", str(tmp_path / "p.annotator"), str(corpus), "--coder", "lee"]) == 2
    assert "--coder names whose codes a JSON Lines file Annotator exported brings in" in capsys.readouterr().err
    assert not (tmp_path / "p.annotator").exists()
