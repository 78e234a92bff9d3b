"""Krippendorff's unitizing alpha (u-alpha, 1995; 2004 pp. 251-256) over spans of text.

For one label (category), each coder's marks cut the continuum into units of that
label and gaps. Observed disagreement sums, over every ordered pair of coders, the
squared misfit of their units: two overlapping units differ by the squares of their
start and end offsets, a unit the other coder left wholly blank counts its length
squared. Expected disagreement is what the same units would give placed at random in
the same continuum (Krippendorff 2004, eq. on p. 254, as DKPro Statistics computes it).

The continuum is the compared documents end to end. A gap ends where its document
ends: a unit placed by chance cannot straddle two documents, so a gap of one
document and the next are two gaps, not one. With a single document this is exactly
Krippendorff's continuum.

Every coder passed is taken to have coded every document passed (an empty list is a
coder who marked nothing): pass only the documents all compared coders finished.
A coder's overlapping marks of one label are joined into one unit, since a coder's
units of a category may not overlap (touching ones stay two units).

For a layer, the labels pool as 1 - sum(D_o) / sum(D_e). The binary |u-alpha asks only
where units are: every label counts as one, a coder's overlapping marks joined.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping

from annotator.core.team.results import Agreement, undefined
from annotator.core.team.spans import Span, in_documents

Units = dict[Hashable, list[tuple[int, int]]]  # document -> a coder's disjoint (start, end), sorted


def join_units(marks: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _units(spans: Iterable[Span]) -> Units:
    """One coder's units per document, overlapping marks joined."""
    marks: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        marks[span.document].append((span.start, span.end))
    return {document: join_units(found) for document, found in marks.items()}


def _by_label(spans: Iterable[Span]) -> dict[str, list[Span]]:
    found: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        found[span.label].append(span)
    return found


def pair_misfit(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Sum of delta^2 between two coders' units on one document (both directions of a pair once)."""
    total = 0
    matched_a, matched_b = [False] * len(a), [False] * len(b)
    j = 0
    for i, (s1, e1) in enumerate(a):
        while j < len(b) and b[j][1] <= s1:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e1:
            s2, e2 = b[k]
            total += (s1 - s2) ** 2 + (e1 - e2) ** 2
            matched_a[i] = matched_b[k] = True
            k += 1
    total += sum((e - s) ** 2 for (s, e), hit in zip(a, matched_a) if not hit)
    total += sum((e - s) ** 2 for (s, e), hit in zip(b, matched_b) if not hit)
    return total


def _gaps(units: list[tuple[int, int]], length: int) -> list[int]:
    gaps, at = [], 0
    for start, end in units:
        if start > at:
            gaps.append(start - at)
        at = end
    if length > at:
        gaps.append(length - at)
    return gaps


def _disagreements(coded: list[Units], documents: Mapping[Hashable, int]) -> tuple[float, float, int]:
    """D_o and D_e of one category for these coders' units, and how many units there are."""
    m, length = len(coded), sum(documents.values())
    observed = 0
    for x in range(m):
        for y in range(x + 1, m):
            for document in documents:
                observed += pair_misfit(coded[x].get(document, []), coded[y].get(document, []))
    d_o = 2 * observed / (m * (m - 1) * length * length)
    lengths = Counter(end - start for units in coded for found in units.values() for start, end in found)
    gaps = Counter(g for units in coded for document, size in documents.items()
                   for g in _gaps(units.get(document, []), size))
    return d_o, expected_disagreement(lengths, gaps, m, length), sum(lengths.values())


def expected_disagreement(lengths: Counter, gaps: Counter, coders: int, length: int) -> float:
    """D_e of one category: its units (length -> how many) placed at random in the coders' gaps.

    Units and gaps of one length are taken together: their terms are equal, and the sums
    are integers, so the figure is the one a unit-by-unit sum gives, to the last bit.
    """
    sizes = sorted(gaps)
    above, count = [0], [0]  # above[i], count[i]: sum and number of the gaps of sizes[i:]
    for g in reversed(sizes):
        above.append(above[-1] + g * gaps[g])
        count.append(count[-1] + gaps[g])
    above.reverse()
    count.reverse()
    n_c = sum(lengths.values())
    chance = 0
    for span, times in lengths.items():
        # Places a unit of this length fits in some coder's gap: sum over gaps >= span of (gap - span + 1).
        first = bisect.bisect_left(sizes, span)
        fits = above[first] - (span - 1) * count[first]
        chance += times * ((n_c - 1) * (2 * span ** 3 - 3 * span ** 2 + span) // 3 + span * span * fits)
    total = coders * length
    pairs = total * (total - 1) - sum(times * s * (s - 1) for s, times in lengths.items())
    return 2 * chance / (length * pairs) if pairs else 0.0


def _prepared(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int]) -> dict[str, list[Span]]:
    return {coder: in_documents(spans, documents) for coder, spans in spans_by_coder.items()}


def unitizing_shortfall(measure: str, coders: int, documents: Mapping[Hashable, int]) -> Agreement | None:
    if coders < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if coders == 1 else 'are'} {coders}",
                         coders=coders, documents=len(documents))
    if not documents or sum(documents.values()) == 0:
        return undefined(measure, "no document with text was coded by these coders", coders=coders)
    return None


def unitizing_figure(measure: str, d_o: float, d_e: float, n_c: int, coders: int, documents: int, what: str) -> Agreement:
    counted = dict(coders=coders, documents=documents, units=n_c)
    if n_c == 0:
        return undefined(measure, f"no coder marked {what} in these documents", **counted)
    if d_e == 0:
        return undefined(measure, f"{what} leaves no room for chance placements: agreement cannot be told "
                                  "from chance", **counted)
    return Agreement(measure, 1 - d_o / d_e, observed=d_o, expected=d_e, **counted)


def unitizing_alpha(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int],
                    label: str) -> Agreement:
    """u-alpha of one label. documents: each compared document's length in code points."""
    short = unitizing_shortfall("u_alpha", len(spans_by_coder), documents)
    if short is not None:
        return short
    spans = _prepared(spans_by_coder, documents)
    coded = [_units(s for s in found if s.label == label) for found in spans.values()]
    return unitizing_figure("u_alpha", *_disagreements(coded, documents), len(spans), len(documents), f"{label!r}")


def layer_unitizing_alpha(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int],
                          labels: Iterable[str] | None = None) -> tuple[Agreement, dict[str, Agreement]]:
    """u-alpha of a layer (its labels pooled) and of each label; labels default to those marked."""
    short = unitizing_shortfall("u_alpha", len(spans_by_coder), documents)
    if short is not None:
        return short, {}
    grouped = [_by_label(found) for found in _prepared(spans_by_coder, documents).values()]
    if labels is None:
        labels = sorted({label for coded in grouped for label in coded})
    per_label, sum_o, sum_e, n = {}, 0.0, 0.0, 0
    for label in labels:
        d_o, d_e, n_c = _disagreements([_units(coded.get(label, ())) for coded in grouped], documents)
        per_label[label] = unitizing_figure("u_alpha", d_o, d_e, n_c, len(grouped), len(documents), f"{label!r}")
        sum_o, sum_e, n = sum_o + d_o, sum_e + d_e, n + n_c
    return unitizing_figure("u_alpha", sum_o, sum_e, n, len(grouped), len(documents), "any of these labels"), per_label


def binary_unitizing_alpha(spans_by_coder: Mapping[str, Iterable[Span]],
                           documents: Mapping[Hashable, int]) -> Agreement:
    """|u-alpha: agreement on where units are, whatever their label."""
    short = unitizing_shortfall("binary_u_alpha", len(spans_by_coder), documents)
    if short is not None:
        return short
    coded = [_units(found) for found in _prepared(spans_by_coder, documents).values()]
    return unitizing_figure("binary_u_alpha", *_disagreements(coded, documents), len(coded), len(documents), "any span")
