"""Pairwise F1 of spans, exact and overlapping boundaries, matched one to one (issue 14, item 5)."""

from __future__ import annotations

import pytest

from annotator.core.team.span_f1 import match_spans, pairwise_span_f1, pairwise_span_f1_by_label, span_f1
from annotator.core.team.spans import Span

DOCS = {1: 100, 2: 100}


def test_exact_f1_counts_spans_with_the_same_boundaries_and_label():
    a = [Span(1, 0, 10, "claim"), Span(1, 20, 30, "claim"), Span(2, 5, 9, "source")]
    b = [Span(1, 0, 10, "claim"), Span(1, 21, 30, "claim"), Span(2, 5, 9, "claim")]
    figure = span_f1(a, b, DOCS, overlap=False)
    assert figure.value == pytest.approx(2 * 1 / 6)
    assert (figure.measure, figure.coders, figure.documents, figure.units) == ("f1_exact", 2, 2, 6)


def test_overlap_f1_matches_spans_that_share_a_character():
    a = [Span(1, 0, 10, "claim"), Span(1, 20, 30, "claim"), Span(2, 5, 9, "source")]
    b = [Span(1, 0, 10, "claim"), Span(1, 21, 30, "claim"), Span(2, 5, 9, "claim"), Span(1, 30, 35, "claim")]
    # 30-35 only touches 20-30: no character in common.
    assert span_f1(a, b, DOCS, overlap=True).value == pytest.approx(2 * 2 / 7)


def test_one_long_span_matches_only_one_of_several_short_ones():
    a = [Span(1, 0, 50, "claim")]
    b = [Span(1, 0, 10, "claim"), Span(1, 20, 30, "claim"), Span(1, 40, 50, "claim")]
    assert span_f1(a, b, DOCS, overlap=True).value == pytest.approx(2 * 1 / 4)


def test_matching_finds_the_largest_one_to_one_pairing():
    # Greedy by largest overlap would pair 0-10 with 5-15 and leave 12-20 alone; the best pairs both.
    a = [Span(1, 0, 10, "x"), Span(1, 12, 20, "x")]
    b = [Span(1, 5, 15, "x"), Span(1, 0, 3, "x")]
    pairs = match_spans(a, b, overlap=True)
    assert sorted(pairs) == [(Span(1, 0, 10, "x"), Span(1, 0, 3, "x")), (Span(1, 12, 20, "x"), Span(1, 5, 15, "x"))]
    assert span_f1(a, b, DOCS, overlap=True).value == 1.0


def test_f1_per_label_looks_at_that_label_only():
    a = [Span(1, 0, 10, "claim"), Span(1, 20, 30, "source")]
    b = [Span(1, 0, 10, "claim")]
    assert span_f1(a, b, DOCS, overlap=False, label="claim").value == 1.0
    assert span_f1(a, b, DOCS, overlap=False, label="source").value == 0.0
    nobody = span_f1(a, b, DOCS, overlap=False, label="verdict")
    assert nobody.value is None and nobody.reason == "neither coder marked 'verdict' in these documents"


def test_pairwise_f1_averages_every_pair_of_coders():
    spans = {"ann": [Span(1, 0, 10, "x")], "bo": [Span(1, 0, 10, "x")], "cy": [Span(1, 2, 10, "x")]}
    assert span_f1(spans["ann"], spans["bo"], DOCS, overlap=False).value == 1.0
    assert span_f1(spans["ann"], spans["cy"], DOCS, overlap=False).value == 0.0
    mean = pairwise_span_f1(spans, DOCS, overlap=False)
    assert mean.value == pytest.approx(1 / 3)  # ann-bo 1, ann-cy 0, bo-cy 0
    assert (mean.coders, mean.documents, mean.units) == (3, 2, 3)
    assert pairwise_span_f1(spans, DOCS, overlap=True).value == 1.0


def test_f1_by_label_and_pooled_in_one_pass():
    spans = {"ann": [Span(1, 0, 10, "x"), Span(1, 20, 30, "y"), Span(2, 0, 5, "y")],
             "bo": [Span(1, 0, 10, "x"), Span(1, 20, 31, "y")],
             "cy": [Span(1, 0, 10, "x")]}
    pooled, per_label = pairwise_span_f1_by_label(spans, DOCS, overlap=False)
    assert per_label["x"].value == 1.0 and per_label["x"].units == 3
    # y: ann-bo 0 of 3 spans; ann-cy 0 of 2; bo-cy 0 of 1.
    assert per_label["y"].value == 0.0 and per_label["y"].units == 3
    # Pooled per pair: ann-bo 2 x 1 / 5, ann-cy 2 x 1 / 4, bo-cy 2 x 1 / 3.
    assert pooled.value == pytest.approx((2 / 5 + 2 / 4 + 2 / 3) / 3)
    assert pooled.units == 6
    for label in ("x", "y"):
        assert pairwise_span_f1(spans, DOCS, overlap=False, label=label) == per_label[label]


def test_pairwise_f1_of_one_coder_says_why():
    mean = pairwise_span_f1({"ann": [Span(1, 0, 10, "x")]}, DOCS, overlap=True)
    assert mean.value is None and mean.reason == "needs at least two coders; there is 1"
    assert pairwise_span_f1({"ann": [Span(1, 0, 10, "x")]}, DOCS, overlap=True, label="x") == mean
