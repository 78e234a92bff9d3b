"""Krippendorff's unitizing alpha against his published worked examples, as DKPro Statistics reproduces them
(issue 14, item 5)."""

from __future__ import annotations

import pytest

from annotator.core.team.spans import Span
from annotator.core.team.unitizing import binary_unitizing_alpha, layer_unitizing_alpha, unitizing_alpha


def k2004():
    """Krippendorff (2004, p. 254): two observers, a continuum from 150 to 450, categories c and k."""
    def unit(begin, length, label):
        return Span("text", begin - 150, begin - 150 + length, label)

    i = [unit(225, 70, "c"), unit(370, 30, "c"), unit(180, 60, "k"), unit(300, 50, "k")]
    j = [unit(220, 80, "c"), unit(355, 20, "c"), unit(400, 20, "c"), unit(180, 60, "k"), unit(300, 50, "k")]
    return {"i": i, "j": j}, {"text": 300}


def test_krippendorff_2004_category_c():
    spans, documents = k2004()
    c = unitizing_alpha(spans, documents, "c")
    # The misfits he works by hand: 50 (225-295 vs 220-300), 850 (370-400 vs 355-375), 400 (400-420 in a gap).
    assert c.observed * 300 ** 2 == pytest.approx(50 + 850 + 400)
    assert c.observed == pytest.approx(0.0144, abs=1e-4)
    assert c.expected == pytest.approx(0.0532, abs=1e-4)
    assert c.value == pytest.approx(0.7286, abs=1e-4)
    assert (c.coders, c.documents, c.units) == (2, 1, 5)


def test_krippendorff_2004_category_k_agrees_fully():
    spans, documents = k2004()
    k = unitizing_alpha(spans, documents, "k")
    assert k.observed == 0 and k.expected == pytest.approx(0.0490, abs=1e-4)
    assert k.value == 1.0


def test_krippendorff_2004_layer_pools_disagreements_over_labels():
    spans, documents = k2004()
    layer, per_label = layer_unitizing_alpha(spans, documents)
    assert sorted(per_label) == ["c", "k"]
    assert layer.observed == pytest.approx(per_label["c"].observed + per_label["k"].observed)
    assert layer.expected == pytest.approx(per_label["c"].expected + per_label["k"].expected)
    # Published as .8591, computed from D_o and D_e rounded to four places; unrounded it is .8587.
    assert 1 - round(layer.observed, 4) / round(layer.expected, 4) == pytest.approx(0.8591, abs=5e-5)
    assert layer.value == pytest.approx(0.8591, abs=5e-4)
    assert layer.units == 9


K1995 = [  # Krippendorff (1995, p. 57): (begin, length, observer, category) on a continuum of 24
    (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
    (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
    (6, 3, 1, "B"), (9, 1, 1, "B"),
    (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"),
    (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
    (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"), (0, 4, 1, "D"),
    (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
]


def k1995(stretch: int = 1):
    spans = {"first": [], "second": []}
    for begin, length, observer, label in K1995:
        start = begin * stretch
        spans[("first", "second")[observer]].append(Span("text", start, start + length * stretch, label))
    return spans, {"text": 24 * stretch}


def test_krippendorff_1995_observed_disagreements():
    spans, documents = k1995()
    _, per_label = layer_unitizing_alpha(spans, documents)
    observed = {label: figure.observed for label, figure in per_label.items()}
    assert observed == pytest.approx({"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}, abs=1e-5)


def test_krippendorff_1995_expected_disagreements_and_alphas_in_a_fine_continuum():
    # His expected disagreements assume a near-continuous scale; DKPro stretches the example 50,000
    # times and checks within these tolerances (DKPro notes a small slip in the 1995 paper's D_e).
    spans, documents = k1995(50_000)
    _, per_label = layer_unitizing_alpha(spans, documents)
    expected = {label: figure.expected for label, figure in per_label.items()}
    assert expected == pytest.approx({"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}, abs=5e-3)
    alphas = {label: figure.value for label, figure in per_label.items()}
    assert alphas == pytest.approx({"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}, abs=0.02)


def test_a_gap_ends_with_its_document():
    # Two coders mark the same 2 characters of the first of two 5-character documents. By hand:
    # gaps 3, 5, 3, 5; each unit: (2-1)(16-12+2)/3 + 2^2 x (2+4+2+4) = 50; D_e = 2 x 100 / (10 x (20 x 19 - 4)).
    spans = {"a": [Span(1, 0, 2, "x")], "b": [Span(1, 0, 2, "x")]}
    figure = unitizing_alpha(spans, {1: 5, 2: 5}, "x")
    assert figure.expected == pytest.approx(200 / 3760)
    assert figure.value == 1.0 and figure.documents == 2
    # One document of 10 would join the gaps 3 and 5 into 8 and expect another figure.
    assert unitizing_alpha(spans, {1: 10}, "x").expected == pytest.approx(232 / 3760)


def test_a_coders_overlapping_marks_of_one_label_count_as_one_unit():
    joined = {"a": [Span(1, 0, 8, "x"), Span(1, 12, 15, "x")], "b": [Span(1, 1, 9, "x")]}
    overlapping = {"a": [Span(1, 0, 5, "x"), Span(1, 3, 8, "x"), Span(1, 12, 15, "x")], "b": [Span(1, 1, 9, "x")]}
    documents = {1: 20}
    assert unitizing_alpha(overlapping, documents, "x") == unitizing_alpha(joined, documents, "x")


def test_binary_alpha_asks_only_where_units_are():
    spans = {"a": [Span(1, 0, 10, "praise"), Span(1, 20, 30, "blame")],
             "b": [Span(1, 0, 10, "blame"), Span(1, 20, 30, "praise")]}
    documents = {1: 50}
    assert binary_unitizing_alpha(spans, documents).value == 1.0
    layer, _ = layer_unitizing_alpha(spans, documents)
    assert layer.value < 0  # the same places, each with the other label
    assert binary_unitizing_alpha(spans, documents).measure == "binary_u_alpha"


def test_a_coder_who_marked_nothing_disagrees_with_one_who_did():
    spans = {"a": [Span(1, 0, 10, "x")], "b": []}
    figure = unitizing_alpha(spans, {1: 40}, "x")
    assert figure.value is not None and figure.value < 0.5
    assert (figure.coders, figure.units) == (2, 1)


def test_figures_that_cannot_be_computed_say_why():
    one = unitizing_alpha({"a": [Span(1, 0, 3, "x")]}, {1: 10}, "x")
    assert one.value is None and one.reason == "needs at least two coders; there is 1"
    nobody = unitizing_alpha({"a": [], "b": []}, {1: 10}, "x")
    assert nobody.value is None and nobody.reason == "no coder marked 'x' in these documents"
    empty = binary_unitizing_alpha({"a": [], "b": []}, {})
    assert empty.value is None and empty.reason == "no document with text was coded by these coders"
    layer, per_label = layer_unitizing_alpha({"a": [], "b": []}, {1: 10}, labels=["x"])
    assert layer.value is None and per_label["x"].value is None


def test_spans_of_other_documents_are_left_out_and_spans_outside_their_document_refused():
    spans = {"a": [Span(1, 0, 3, "x"), Span(2, 0, 3, "x")], "b": [Span(1, 0, 3, "x")]}
    assert unitizing_alpha(spans, {1: 10}, "x").units == 2
    with pytest.raises(ValueError, match="span 5-12 \\(x\\) lies outside document 1 of 10 characters"):
        unitizing_alpha({"a": [Span(1, 5, 12, "x")], "b": []}, {1: 10}, "x")
