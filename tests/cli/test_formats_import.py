"""One list of importable formats (issue 11, item 6): every format it names imports, and every place that lists them reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import _parser, main
from annotator.core.corpus import import_formats as formats
from annotator.core.corpus.importing import import_paths, import_seeds
from annotator.core.interchange.formats import export
from annotator.core.project import Project
from tests.core.test_extract import docx_bytes, pdf_bytes

BODY = ("The harbour workers stopped work on Monday morning, saying the new shift rota left them no time "
        "to rest between night and day crews. The port authority said talks would resume on Thursday.")


def sample(path: Path, tmp_path: Path) -> Path:
    """A small article in the format the suffix names."""
    suffix = path.suffix
    if suffix in (".txt", ".text"):
        path.write_text(f"Harbour strike\n\n{BODY}\n", encoding="utf-8")
    elif suffix in (".md", ".markdown"):
        path.write_text(f"# Harbour strike\n\n{BODY}\n", encoding="utf-8")
    elif suffix in (".html", ".htm"):
        path.write_text(f"<!doctype html><html><head><title>Harbour strike</title></head><body><article>"
                        f"<h1>Harbour strike</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>", encoding="utf-8")
    elif suffix == ".docx":
        path.write_bytes(docx_bytes(lambda d: (d.add_heading("Harbour strike", 1), d.add_paragraph(BODY))))
    elif suffix == ".pdf":
        path.write_bytes(pdf_bytes(["Harbour strike", BODY]))
    elif suffix == ".csv":
        path.write_text(f'title,text\nHarbour strike,"{BODY}"\n', encoding="utf-8")
    elif suffix == ".tsv":
        path.write_text(f"title\ttext\nHarbour strike\t{BODY}\n", encoding="utf-8")
    elif suffix in (".jsonl", ".ndjson"):
        path.write_text(json.dumps({"title": "Harbour strike", "text": BODY}) + "\n", encoding="utf-8")
    elif suffix in (".qdpx", ".qdc"):
        with Project(tmp_path / "source.annotator") as source:
            import_paths(source, [sample(tmp_path / "source.txt", tmp_path)])
            export(source, suffix[1:], path)
    else:
        raise AssertionError(f"no sample for {suffix}: add one when a format is added")
    return path


ALL_SUFFIXES = [suffix for f in formats.FORMATS for suffix in f.suffixes]


@pytest.mark.parametrize("suffix", ALL_SUFFIXES)
def test_every_listed_format_imports(suffix: str, tmp_path: Path, capsys) -> None:
    file = sample(tmp_path / f"article{suffix}", tmp_path)
    project = tmp_path / "study.annotator"
    with Project(project) as fresh:
        labels = len(fresh.codebook.labels())
    assert main(["import", "--project", str(project), str(file)]) == 0, capsys.readouterr()
    with Project(project, create=False) as imported:
        if suffix == ".qdc":  # a codebook brings labels, not documents
            assert len(imported.codebook.labels()) >= labels
        else:
            [doc_id] = imported.documents.ids()
            assert "harbour workers stopped work" in imported.documents.text(doc_id)


@pytest.mark.parametrize("suffix", [f.suffixes[0] for f in formats.FORMATS if f.kind != "article"] + [".docx"])
def test_each_kind_of_format_imports_into_a_shared_project(suffix: str, shared_url: str, tmp_path: Path,
                                                             capsys) -> None:
    # One format of each kind (an article, a corpus file, a REFI-QDA project and codebook): each writes by its own path.
    file = sample(tmp_path / f"article{suffix}", tmp_path)
    with Project(shared_url) as fresh:
        labels = [label.name for label in fresh.codebook.labels()]
    assert main(["import", "--project", shared_url, str(file)]) == 0, capsys.readouterr()
    said = capsys.readouterr().out
    with Project(shared_url, create=False) as imported:
        if suffix == ".qdc":  # the sample's codebook is the default one: every label is matched, none doubled
            assert f"article.qdc: added 0 labels, matched {len(labels)} existing labels." in said
            assert sorted(label.name for label in imported.codebook.labels()) == sorted(labels)
        else:
            [doc_id] = imported.documents.ids()
            assert "harbour workers stopped work" in imported.documents.text(doc_id)


def test_the_refusal_the_file_dialog_and_the_cli_help_name_every_format(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with Project(tmp_path / "study.annotator") as project:
        import_seeds(project)
        [outcome] = import_paths(project, [png]).outcomes
    dialog = ";;".join(formats.file_dialog_filters())
    help_text = " ".join(_parser()._subparsers._group_actions[0].choices["import"].format_help().split())
    for f in formats.FORMATS:
        assert f.name in outcome.reason, f.name
        for suffix in f.suffixes:
            assert f"*{suffix}" in dialog
            if f.kind != "refi":
                assert suffix in help_text, suffix
    assert outcome.reason.startswith("binary file (looks like PNG image); import plain text, Markdown, HTML, DOCX, PDF, "
                                     "CSV, TSV, JSON Lines")
