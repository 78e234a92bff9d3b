"""Hostile shapes of otherwise ordinary input: markup nested past the parser's depth,
corpus rows far over the size limit, names that are not text, PDFs that repeat one stream.

Each keeps what can be kept, refuses the rest in one line that names what was refused,
and never ends an import with a traceback or a summary that hides a loss.
"""

from __future__ import annotations

import pytest

from annotator.core.extract.html import TOO_DEEP
from annotator.core.importing import import_paths
from annotator.core.project import Project

BEFORE = "Before the deep point the minister spoke about the budget for the coming year at length."
AFTER = "After the deep point the article reports the election results district by district."


def deep_page(levels: int) -> bytes:
    deep = "<div>" * levels + "<p>Deep inside, the votes were counted twice by the observers.</p>" + "</div>" * levels
    return (f"<html><head><title>Deep page</title></head><body><article><h1>Deep page</h1><p>{BEFORE}</p>"
            f"{deep}<p>{AFTER}</p></article></body></html>").encode()


@pytest.mark.parametrize("levels", [300, 1000])
def test_a_page_nested_hundreds_of_levels_deep_keeps_the_text_after_the_deep_point(project: Project, tmp_path,
                                                                                     levels):
    # Before: libxml2 stopped at 256 levels, the rest of the page was dropped, and the import said
    # "Imported 1 document." with only the first paragraph in it.
    page = tmp_path / "deep.html"
    page.write_bytes(deep_page(levels))

    report = import_paths(project, [page])

    [outcome] = report.outcomes
    assert outcome.status == "imported"
    text = project.documents.get(outcome.document_id).text
    assert BEFORE in text and "the votes were counted twice" in text and AFTER in text


def test_a_page_nested_past_what_can_be_read_is_refused_for_its_depth(project: Project, tmp_path):
    page = tmp_path / "deeper.html"
    page.write_bytes(deep_page(5000))

    report = import_paths(project, [page])

    [outcome] = report.outcomes
    assert (outcome.status, outcome.reason) == ("refused", TOO_DEEP)
    assert "2,048 levels deep" in TOO_DEEP
    assert report.summary_lines()[0] == "Imported 0 documents, refused 1 file:"
    assert project.documents.count() == 0


@pytest.mark.parametrize("nesting", ["300 quotes", "1000 quotes", "150 lists"])
def test_markdown_nested_deeper_than_its_parser_reads_keeps_every_line(project: Project, tmp_path, nesting):
    # Before: markdown-it dropped blocks nested past 20 levels and, for lists, every line after them.
    levels, kind = int(nesting.split()[0]), nesting.split()[1]
    words = "Deep inside, the votes were counted twice by the observers.\n"
    if kind == "quotes":
        deep = "> " * levels + words
    else:
        deep = "".join("  " * level + "- item\n" for level in range(levels)) + "  " * levels + "- " + words
    note = tmp_path / "deep.md"
    note.write_text(f"# Deep notes\n\n{BEFORE}\n\n{deep}\n{AFTER}\n", encoding="utf-8")

    report = import_paths(project, [note])

    [outcome] = report.outcomes
    assert outcome.status == "imported"
    text = project.documents.get(outcome.document_id).text
    assert BEFORE in text and "the votes were counted twice" in text and AFTER in text
    assert outcome.note.startswith("nested more than 200 levels deep to read as Markdown: kept as written")


def test_markdown_nested_within_reason_is_still_read_as_markdown(project: Project, tmp_path):
    note = tmp_path / "quoted.md"
    note.write_text(f"# Quoted\n\n{BEFORE}\n\n" + "> " * 40 + f"A **quoted** line.\n\n{AFTER}\n", encoding="utf-8")

    [outcome] = import_paths(project, [note]).outcomes

    text = project.documents.get(outcome.document_id).text
    assert "A quoted line." in text and AFTER in text and outcome.note == ""
