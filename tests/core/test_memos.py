"""Memos on documents, annotations, entities and labels: written, undone and found; and document progress."""

from __future__ import annotations

import pytest

from annotator.core.coding.memos import search_memos
from annotator.core.common.errors import ProjectError
from tests.support import dump_connection

pytestmark = pytest.mark.both_engines

TEXT = "Amazon sued Walmart on Monday. 월마트는 아마존의 클라우드를 거부했다."


@pytest.fixture
def memos(project, doc_factory, label):
    doc = doc_factory(TEXT, title="Cloud war")
    other = doc_factory("Nothing to see here.", title="Quiet day")
    project.documents.set_memo(doc, "Check the 월마트 quote against the original press release.")
    start = TEXT.index("Walmart")
    annotation = project.annotations.add(doc, label("Organization"), start, start + len("Walmart"),
                                         note="Is WALMART the parent company or the US arm?")
    entity = project.entities.create("Amazon", label("Organization"))
    project.entities.set_memo(entity.id, "Includes AWS unless a story separates them.")
    project.codebook.set_memo(label("Claim").id, "Code 'sources say' as a claim with an unnamed source.")
    return {"doc": doc, "other": other, "annotation": annotation.id, "entity": entity.id}


def test_search_finds_memos_of_every_kind_ignoring_case(project, memos):
    hits = search_memos(project, "walmart")
    assert [(h.kind, h.id) for h in hits] == [("annotation", memos["annotation"])]
    hit = hits[0]
    assert hit.document_id == memos["doc"] and hit.document_title == "Cloud war"
    assert hit.title == "Organization: Walmart"
    assert "WALMART" in hit.snippet

    assert [(h.kind, h.id) for h in search_memos(project, "aws")] == [("entity", memos["entity"])]
    claim = project.codebook.by_name("Claim")
    assert [(h.kind, h.id, h.title) for h in search_memos(project, "SOURCES SAY")] == [("label", claim.id, "Claim")]
    assert [(h.kind, h.id, h.document_id) for h in search_memos(project, "월마트")] == [
        ("document", memos["doc"], memos["doc"])
    ]


def test_blank_query_lists_every_memo_documents_first(project, memos):
    hits = search_memos(project, "  ")
    assert [h.kind for h in hits] == ["document", "annotation", "entity", "label"]
    assert search_memos(project, "nowhere in any memo") == []


def test_a_blank_memo_is_no_memo(project, memos):
    project.entities.set_memo(memos["entity"], "  \n ")
    assert "entity" not in [h.kind for h in search_memos(project, "")]


def test_snippet_shows_the_words_around_the_hit_on_one_line(project, doc_factory):
    doc = doc_factory("Some text.")
    memo = "First line about nothing in particular at all.\n" + "x" * 80 + " needle " + "y" * 80
    project.documents.set_memo(doc, memo)
    (hit,) = search_memos(project, "NEEDLE")
    assert "needle" in hit.snippet and "\n" not in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 100
    assert hit.memo == memo


def test_document_memo_is_stored_trimmed_and_undone_exactly(project, doc_factory):
    doc = doc_factory(TEXT)
    before = dump_connection(project.store.conn)
    _, changeset = project.store.edit(project.documents.set_memo, doc, "Follow up with the 기자.\n\n")
    assert project.documents.memo(doc) == "Follow up with the 기자."
    project.store.undo(changeset)
    assert dump_connection(project.store.conn) == before
    assert project.documents.memo(doc) == ""


def test_an_unchanged_memo_is_no_edit(project, doc_factory):
    doc = doc_factory(TEXT)
    project.documents.set_memo(doc, "Same")
    _, changeset = project.store.edit(project.documents.set_memo, doc, "Same\n")
    assert changeset is None


def test_memo_on_a_missing_document_is_refused(project):
    with pytest.raises(ProjectError, match="no document 99"):
        project.documents.set_memo(99, "lost")


# -- document progress ---------------------------------------------------------------------


def test_next_not_done_skips_done_documents_and_wraps(project, doc_factory):
    a, b, c, d = (doc_factory(f"Text {n}.") for n in range(4))
    project.documents.set_status(b, "done")
    project.documents.set_status(c, "in_progress")
    assert project.documents.next_not_done(a) == c
    assert project.documents.next_not_done(c) == d
    assert project.documents.next_not_done(d) == a  # wraps around
    assert project.documents.next_not_done(None) == a
    for doc in (a, c):
        project.documents.set_status(doc, "done")
    assert project.documents.next_not_done(d) is None  # d itself is never "next"
    project.documents.set_status(d, "done")
    assert project.documents.next_not_done(d) is None
