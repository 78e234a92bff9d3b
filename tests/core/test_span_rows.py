"""The light listing views use for long documents, and reading whole annotations one or a screenful at a time."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_engines

ARTICLE = "Amazon sued Walmart in Seattle. Walmart called the claim baseless."


def test_span_rows_list_a_documents_spans_in_reading_order_without_whole_document_codes(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    other = doc_factory("Walmart elsewhere.")
    claim = project.annotations.add(doc, label("Claim"), 0, 30)
    walmart = project.annotations.add(doc, label("Organization"), 12, 19)
    amazon = project.annotations.add(doc, label("Organization"), 0, 6)
    project.annotations.set_cue(claim.id, 7, 11)
    project.annotations.add(doc, label("Against"), target="Walmart")  # the whole document: no span
    project.annotations.add(other, label("Organization"), 0, 7)

    rows = project.annotations.spans_for_document(doc)

    # Same order as the full listing: by start, the longer (outer) span first at a tie.
    assert [r.id for r in rows] == [claim.id, amazon.id, walmart.id]
    assert [r.id for r in rows] == [a.id for a in project.annotations.for_document(doc) if not a.is_document_level]
    assert rows[0] == (claim.id, label("Claim").id, 0, 30, 7, 11, claim.coder_id)  # whose it is, too
    assert (rows[2].label_id, rows[2].start, rows[2].end, rows[2].cue_start) == (label("Organization").id, 12, 19, None)
    assert not any(r.is_document_level for r in rows)


def test_find_and_get_many_read_whole_annotations_and_skip_deleted_ones(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    kept = project.annotations.add(doc, label("Organization"), 0, 6, note="plaintiff")
    gone = project.annotations.add(doc, label("Organization"), 12, 19)
    project.annotations.delete(gone.id)

    assert project.annotations.find(kept.id) == project.annotations.get(kept.id)
    assert project.annotations.find(gone.id) is None
    assert project.annotations.get_many([gone.id, kept.id]) == [project.annotations.get(kept.id)]
    many = [project.annotations.add(doc, label("Organization"), i % 30, i % 30 + 5) for i in range(600)]
    # More ids than SQLite would bind as separate parameters: each read once.
    found = project.annotations.get_many([a.id for a in many])
    assert sorted(a.id for a in found) == [a.id for a in many]
