"""Krippendorff's alpha and percent agreement over reliability data.

Reliability data are a list of units (documents, or matched spans), each a row of the
values the coders gave it, one column per coder, None where a coder gave none. Alpha
is computed from the coincidence matrix as Krippendorff defines it ("Computing
Krippendorff's Alpha-Reliability", 2011): a unit with fewer than two values is not
pairable and drops out; missing values need no imputation.

This is plain Python, not the `krippendorff` package the tests check it against: that
package builds a units x values x values array, which for a number variable with a
thousand distinct answers over a thousand documents is eight gigabytes, and it would
put numpy on the path of every agreement the window shows.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from numbers import Real

from annotator.core.team.results import LEVELS, Agreement, undefined

Reliability = Sequence[Sequence[Hashable | None]]


def _pairable(rows: Counter) -> tuple[list[tuple[Counter, int]], int, int]:
    """The value counts of the units with two values or more, each kind once with how many units have it;
    how many such units there are, and how many coders gave their values.

    rows holds each distinct row of the data once, in the order first met, with how many
    times it occurs: matched spans are hundreds of thousands of two-value units of a few
    kinds, and one Counter per unit made alpha over them cost seconds. Kinds come out in
    the order the units first show them, as a walk over every unit would find them.
    """
    kinds: dict[tuple, list] = {}
    columns: set[int] = set()
    count = 0
    for row, times in rows.items():
        present = tuple(v for v in row if v is not None)
        if len(present) >= 2:
            count += times
            entry = kinds.get(present)
            if entry is None:
                kinds[present] = [Counter(present), times]
            else:
                entry[1] += times
            if len(columns) < len(row):
                columns.update(i for i, v in enumerate(row) if v is not None)
    return [(counts, times) for counts, times in kinds.values()], count, len(columns)


def _distinct(data: Reliability) -> Counter:
    """Each distinct row of the data with how many times it occurs, in the order first met."""
    return Counter(map(tuple, data))


def _values(rows: Counter) -> list:
    """Every value given, once each, in the order the data first show them."""
    return list(dict.fromkeys(v for row in rows for v in row if v is not None))


def _shortfall(measure: str, data: Reliability, units: list, coders: int, *,
               level: str | None = None, documents: int | None = None) -> Agreement | None:
    """Why nothing can be computed from these data, or None when something can."""
    width = max((len(row) for row in data), default=0)
    if width < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if width == 1 else 'are'} {width}",
                         coders=width, documents=documents or 0, level=level)
    if not units:
        return undefined(measure, "no unit was coded by two coders", coders=coders,
                         documents=documents or 0, level=level)
    return None


def _check_values(values: list, level: str, order: Sequence | None) -> list:
    """The values in their order (ordinal, interval, ratio), or a ValueError naming what does not fit."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; one of {', '.join(LEVELS)}")
    if level in ("interval", "ratio"):
        wrong = [v for v in values if isinstance(v, bool) or not isinstance(v, Real)]
        if wrong:
            raise ValueError(f"{level} data must be numbers; got {wrong[0]!r}")
        return sorted(values)
    if level == "ordinal":
        if order is None:
            try:
                return sorted(values)
            except TypeError:
                raise ValueError("ordinal values that are not numbers need their order given") from None
        known = set(order)
        missing = [v for v in values if v not in known]
        if missing:
            raise ValueError(f"the value {missing[0]!r} is not among the ordered choices")
        present = set(values)
        return [v for v in order if v in present]
    return list(values)


def _coincidences(units: list[tuple[Counter, int]]) -> dict[tuple, float]:
    o: dict[tuple, float] = defaultdict(float)
    for counts, times in units:
        m = sum(counts.values())
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    o[c, k] += times * pairs / (m - 1)
    return o


def _metric(level: str, ordered: list, n: dict) -> Callable[[object, object], float]:
    """delta squared between two values at this level (Krippendorff 2011, section C)."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
    rank = {v: i for i, v in enumerate(ordered)}
    below = [0.0]
    for v in ordered:
        below.append(below[-1] + n.get(v, 0.0))

    def ordinal(c, k):
        i, j = sorted((rank[c], rank[k]))
        return (below[j + 1] - below[i] - (n.get(c, 0.0) + n.get(k, 0.0)) / 2) ** 2

    return ordinal


def _expected_sum(level: str, n: dict, delta) -> float:
    """sum over value pairs c, k of n_c n_k delta^2(c, k)."""
    if len(n) < 2:
        # One value: no pair differs. (Centring three 0.09s on their float mean left 6e-34, and alpha 1.)
        return 0.0
    total = math.fsum(n.values())
    if level == "nominal":
        return total * total - math.fsum(x * x for x in n.values())
    if level == "interval":
        # Centred, so large values with a small spread keep their digits.
        mean = math.fsum(c * x for c, x in n.items()) / total
        return 2 * total * math.fsum(x * (c - mean) ** 2 for c, x in n.items())
    items = list(n.items())
    return math.fsum(xc * xk * delta(c, k) for c, xc in items for k, xk in items)


def krippendorff_alpha(data: Reliability, level: str = "nominal", *, order: Sequence | None = None,
                       documents: int | None = None) -> Agreement:
    """Krippendorff's alpha of units x coders data at a level of measurement.

    level: nominal, ordinal, interval or ratio. Ordinal values keep `order` when it is
    given (a choice list, first to last), else their natural order (ranks). documents:
    how many documents the units come from, when that is not one per unit.
    """
    rows = _distinct(data)
    units, count, coders = _pairable(rows)
    ordered = _check_values(_values(rows), level, order)
    short = _shortfall("alpha", data, units, coders, level=level, documents=documents)
    if short is not None:
        return short
    counted = dict(documents=count if documents is None else documents, units=count)
    o = _coincidences(units)
    n: dict = defaultdict(float)
    for (c, _k), x in o.items():
        n[c] += x
    delta = _metric(level, ordered, n)
    expected = _expected_sum(level, n, delta)
    if expected == 0:
        return undefined("alpha", f"every value is the same ({next(iter(n))!r}): agreement cannot be told from chance",
                         coders=coders, level=level, **counted)
    total = math.fsum(n.values())
    observed = math.fsum(x * delta(c, k) for (c, k), x in o.items())
    d_o, d_e = observed / total, expected / (total * (total - 1))
    return Agreement("alpha", 1 - d_o / d_e, coders, level=level, observed=d_o, expected=d_e, **counted)


def percent_agreement(data: Reliability, *, documents: int | None = None) -> Agreement:
    """The share (0 to 1) of pairs of values given to the same unit that are equal.

    Every pair of coders who both coded a unit counts once, over all units with two
    values or more; for two coders this is the share of units they coded alike.
    """
    units, count, coders = _pairable(_distinct(data))
    short = _shortfall("percent", data, units, coders, documents=documents)
    if short is not None:
        return short
    same = sum(times * x * (x - 1) for counts, times in units for x in counts.values())
    pairs = sum(times * m * (m - 1) for m, times in ((sum(counts.values()), times) for counts, times in units))
    return Agreement("percent", same / pairs, coders, count if documents is None else documents, count)
