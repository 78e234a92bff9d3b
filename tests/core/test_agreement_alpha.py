"""Krippendorff's alpha and percent agreement over units x coders data (issue 14, item 5)."""

from __future__ import annotations

import pytest

from annotator.core.team.alpha import krippendorff_alpha, percent_agreement

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12 units,
# written here as units (rows) x coders (columns).
K2011_CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
K2011 = [list(unit) for unit in zip(*K2011_CODERS)]

# Wikipedia's example (Krippendorff's alpha article): 3 coders x 15 units.
WIKI_CODERS = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]
WIKI = [list(unit) for unit in zip(*WIKI_CODERS)]


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                                  ("ratio", 0.797)])
def test_krippendorffs_published_example_at_every_level(level, published):
    figure = krippendorff_alpha(K2011, level)
    assert round(figure.value, 3) == published
    # Unit 12 has one value only: not pairable, so 11 units from 4 coders.
    assert (figure.coders, figure.documents, figure.units, figure.level) == (4, 11, 11, level)
    assert figure.reason is None


def test_published_example_matches_the_reference_package_to_1e9():
    krippendorff = pytest.importorskip("krippendorff")
    import numpy as np

    matrix = np.array([[np.nan if v is None else v for v in row] for row in K2011_CODERS], dtype=float)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(K2011, level).value == pytest.approx(
            krippendorff.alpha(reliability_data=matrix, level_of_measurement=level), abs=1e-9)


def test_wikipedia_example_nominal_and_interval():
    assert round(krippendorff_alpha(WIKI, "nominal").value, 6) == 0.691358
    assert round(krippendorff_alpha(WIKI, "interval").value, 6) == 0.810845
    assert krippendorff_alpha(WIKI, "nominal").units == 12  # units 1, 2 and 14 have under two values


def test_ordinal_choices_keep_their_given_order_not_the_alphabets():
    scale = ["very low", "low", "mid", "high", "very high"]
    words = [[N if v is None else scale[v - 1] for v in unit] for unit in K2011]
    assert round(krippendorff_alpha(words, "ordinal", order=scale).value, 3) == 0.815
    # Alphabetically "high" < "low" < "mid" < "very high" < "very low": another figure.
    assert round(krippendorff_alpha(words, "ordinal", order=sorted(scale)).value, 3) != 0.815


def test_nominal_values_may_be_any_labels():
    labels = [[N if v is None else f"choice {v}" for v in unit] for unit in K2011]
    assert round(krippendorff_alpha(labels, "nominal").value, 3) == 0.743


def test_one_coder_gives_no_value_and_says_why():
    figure = krippendorff_alpha([[1], [2], [3]], "nominal")
    assert figure.value is None
    assert figure.reason == "needs at least two coders; there is 1"
    assert figure.coders == 1


def test_no_unit_coded_twice_gives_no_value():
    figure = krippendorff_alpha([[1, N], [N, 2], [3, N]], "nominal")
    assert figure.value is None and figure.reason == "no unit was coded by two coders"
    assert figure.units == 0


def test_perfect_agreement_on_one_value_is_not_reported_as_one():
    # Everyone said "yes" everywhere: agreement cannot be told from chance, so no alpha (not 1.0).
    figure = krippendorff_alpha([["yes", "yes"], ["yes", "yes"], ["yes", N]], "nominal")
    assert figure.value is None
    assert figure.reason == "every value is the same ('yes'): agreement cannot be told from chance"
    assert (figure.coders, figure.units) == (2, 2)


def test_perfect_agreement_with_variation_is_one():
    assert krippendorff_alpha([[1, 1], [2, 2], [3, 3]], "interval").value == 1.0


def test_documents_count_can_differ_from_units():
    figure = krippendorff_alpha([[1, 2], [2, 2], [1, 1]], "nominal", documents=2)
    assert (figure.documents, figure.units) == (2, 3)


@pytest.mark.parametrize(("data", "level", "order", "message"), [
    ([["a", "b"]], "interval", None, "interval data must be numbers; got 'a'"),
    ([[True, 1]], "ratio", None, "ratio data must be numbers; got True"),
    ([["low", "high"]], "ordinal", ["low", "mid"], "the value 'high' is not among the ordered choices"),
    ([["x", 2]], "ordinal", None, "ordinal values that are not numbers need their order given"),
    ([[1, 2]], "cardinal", None, "unknown level of measurement 'cardinal'"),
])
def test_values_that_do_not_fit_the_level_are_named(data, level, order, message):
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha(data, level, order=order)


def test_percent_agreement_counts_pairs_of_coders_per_unit():
    # Unit 1: 3 coders, 1 of 3 pairs alike; unit 2: 2 coders alike; unit 3: 1 value, not pairable.
    figure = percent_agreement([["a", "a", "b"], ["c", "c", N], ["a", N, N]])
    assert figure.value == pytest.approx((2 + 2) / (6 + 2))
    assert (figure.coders, figure.documents, figure.units) == (3, 2, 2)


def test_percent_agreement_of_two_coders_is_the_share_of_units_alike():
    assert percent_agreement([[1, 1], [1, 2], [2, 2], [3, 3]]).value == 0.75


def test_percent_agreement_with_nothing_coded_twice_says_why():
    figure = percent_agreement([[1, N], [N, 1]])
    assert figure.value is None and figure.reason == "no unit was coded by two coders"


def test_computing_agreement_loads_no_numpy():
    # The window and the command line start without numpy; agreement must not pull it in either.
    import subprocess
    import sys

    code = ("import sys; from annotator.core.team import alpha, kappa, unitizing, span_f1, table; "
            "alpha.krippendorff_alpha([[1, 2], [2, 2], [1, 1]], 'ordinal'); "
            "assert 'numpy' not in sys.modules, 'numpy loaded'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
