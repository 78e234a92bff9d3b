"""Cohen's and Fleiss' kappa against textbook worked examples (issue 14, item 5)."""

from __future__ import annotations

import pytest

from annotator.core.team.kappa import cohen_kappa, fleiss_kappa

N = None


def test_cohens_kappa_of_the_wikipedia_example_is_0_4():
    # 50 grant proposals: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    data = [["yes", "yes"]] * 20 + [["yes", "no"]] * 5 + [["no", "yes"]] * 10 + [["no", "no"]] * 15
    figure = cohen_kappa(data)
    assert figure.value == pytest.approx(0.4)
    assert (figure.coders, figure.documents, figure.units) == (2, 50, 50)


def test_cohens_kappa_leaves_out_units_one_coder_skipped():
    data = [["yes", "yes"]] * 20 + [["yes", "no"]] * 5 + [["no", "yes"]] * 10 + [["no", "no"]] * 15
    figure = cohen_kappa(data + [["yes", N], [N, "no"]])
    assert figure.value == pytest.approx(0.4) and figure.units == 50


def test_cohens_kappa_wants_exactly_two_coders():
    figure = cohen_kappa([[1, 1, 2], [2, 2, 2]])
    assert figure.value is None
    assert figure.reason == "compares exactly two coders; there are 3 (Fleiss' kappa takes more)"
    assert cohen_kappa([[1], [2]]).reason == "compares exactly two coders; there is 1"


def test_cohens_kappa_with_one_value_throughout_is_not_made_up():
    figure = cohen_kappa([["no", "no"]] * 10)
    assert figure.value is None and "every value is the same ('no')" in figure.reason


# Fleiss (1971) as Wikipedia works it: 10 subjects, 14 raters, 5 categories; each row counts the
# raters who chose each category.
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def _rows(counts):
    return [[category for category, n in enumerate(row, start=1) for _ in range(n)] for row in counts]


def test_fleiss_kappa_of_the_worked_example_is_0_210():
    figure = fleiss_kappa(_rows(FLEISS_COUNTS))
    assert round(figure.value, 3) == 0.210
    assert 1 - figure.observed == pytest.approx(0.378, abs=5e-4)  # P-bar
    assert 1 - figure.expected == pytest.approx(0.213, abs=5e-4)  # P-bar_e
    assert (figure.coders, figure.units) == (14, 10)


def test_fleiss_kappa_of_two_coders_without_gaps_is_scotts_pi():
    data = [[1, 1], [1, 2], [2, 2], [2, 2], [1, 1], [2, 1]]
    # Scott's pi by hand: p_o = 4/6; six 1s and six 2s pooled, so p_e = 1/2 and pi = 1/3.
    p_o, p_e = 4 / 6, 1 / 2
    assert fleiss_kappa(data).value == pytest.approx((p_o - p_e) / (1 - p_e))


def test_fleiss_kappa_rests_on_units_every_coder_coded():
    rows = _rows(FLEISS_COUNTS)
    figure = fleiss_kappa(rows + [[1] * 13 + [N]])
    assert round(figure.value, 3) == 0.210 and figure.units == 10


def test_fleiss_kappa_without_a_complete_unit_says_so():
    figure = fleiss_kappa([[1, N, 2], [N, 1, 1]])
    assert figure.value is None and figure.reason == "no unit was coded by every coder"
    assert fleiss_kappa([[1]]).reason == "needs at least two coders; there is 1"
