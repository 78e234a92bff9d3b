"""Krippendorff's alpha agrees with the `krippendorff` package, the reference the field trusts, at every level.

Random reliability data (units x coders, with missing values) at each level of
measurement: our plain-Python alpha and the package's must agree to 1e-9, and where
the package finds nothing to compute (no pairable unit, one value only) we must give
no value and a reason, not a number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.core.team.alpha import krippendorff_alpha

krippendorff = pytest.importorskip("krippendorff")


def reliability(values: st.SearchStrategy) -> st.SearchStrategy:
    @st.composite
    def build(draw):
        coders = draw(st.integers(2, 5))
        units = draw(st.integers(1, 25))
        cell = st.one_of(st.none(), values)
        return [[draw(cell) for _ in range(coders)] for _ in range(units)]

    return build()


def reference(data, level: str) -> float | None:
    """The package's alpha of units x coders data, or None where it has none."""
    matrix = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float).T
    try:
        with np.errstate(invalid="ignore"):  # 0/0 where every pairable value is the same
            value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
    except ValueError:  # one value in the whole domain, or no unit with two values
        return None
    return None if math.isnan(value) else value


def agrees(data, level: str) -> None:
    ours = krippendorff_alpha(data, level).value
    theirs = reference(data, level)
    if theirs is None:
        assert ours is None
    else:
        assert ours is not None and math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9), (ours, theirs)


# Each example takes well under a millisecond: many more than the profile's default, at no cost to the suite.
@settings(max_examples=300)
@given(reliability(st.integers(0, 6)), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_the_krippendorff_package_on_small_scales(data, level):
    agrees(data, level)


@settings(max_examples=150)
@given(reliability(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2))))
@example([[0.09, 0.09, 0.09]])  # one value whose float mean is not itself: alpha was 1, not undefined
def test_interval_alpha_matches_the_package_on_wide_real_values(data):
    agrees(data, "interval")


@settings(max_examples=150)
@given(reliability(st.integers(0, 1000)), st.sampled_from(["ordinal", "ratio"]))
def test_ordinal_and_ratio_alpha_match_the_package_on_many_distinct_values(data, level):
    agrees(data, level)


@settings(max_examples=100)
@given(reliability(st.sampled_from([1e6 + 0.25 * k for k in range(5)])))
def test_interval_alpha_keeps_its_digits_for_large_values_close_together(data):
    # Counts from an archive (word counts, dates as day numbers) sit far from zero with a small spread.
    agrees(data, "interval")
