"""Views ask for one coder's codes (blind coding, issue 14 item 1): spans, whole-document codes and the table."""

from __future__ import annotations

import pytest

from annotator.core.coding import annotation_query as query
from annotator.core.coding.annotation_query import AnnotationFilter

pytestmark = pytest.mark.both_engines


def test_spans_document_codes_and_table_keep_only_the_coders_asked_for(project, doc_factory, label):
    doc = doc_factory("Walmart and Amazon argue about the cloud.")
    project.coders.current_name = "lee"
    lee = project.annotations.add(doc, label("Organization"), 0, 7)
    project.annotations.add(doc, label("Against"), None, None, target="Amazon")
    project.coders.current_name = "kim"
    kim = project.annotations.add(doc, label("Organization"), 12, 18)
    lee_id, kim_id = project.coders.named("lee").id, project.coders.named("kim").id

    spans = project.annotations.spans_of(doc, [kim_id])
    assert [r.id for r in spans.page(0, 10)] == [kim.id] and spans.count() == 1
    assert spans.find(lee.id) is None and [r.id for r in spans.overlapping(0, 40)] == [kim.id]
    assert [r.coder_id for r in project.annotations.spans_of(doc).page(0, 10)] == [lee_id, kim_id]
    assert project.annotations.document_level(doc, [kim_id]) == []
    assert [a.target for a in project.annotations.document_level(doc, [lee_id])] == ["Amazon"]
    assert [a.id for a in project.annotations.for_document(doc, [kim_id])] == [kim.id]
    assert project.annotations.spans_of(doc, []).count() == 0  # a coder with no codes yet sees none
    assert query.count(project, AnnotationFilter(coder_ids=(lee_id,))) == 2
    assert [r.text for r in query.page(project, AnnotationFilter(coder_ids=[kim_id]))] == ["Amazon"]
    assert query.count(project, AnnotationFilter()) == 3
