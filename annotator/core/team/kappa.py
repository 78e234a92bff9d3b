"""Cohen's kappa (two coders) and Fleiss' kappa (two or more), nominal, over units x coders data.

Both leave out units a coder did not code (Cohen: either of the two; Fleiss: any), as
the coefficients are defined only over complete rows; alpha is the figure for data with
gaps. The counts on the result say how many units were left.
"""

from __future__ import annotations

from collections import Counter

from annotator.core.team.alpha import Reliability
from annotator.core.team.results import Agreement, undefined

_SAME = "every value is the same ({!r}): agreement cannot be told from chance"


def cohen_kappa(data: Reliability, *, documents: int | None = None) -> Agreement:
    """Cohen's (1960) kappa of two coders' values (each row: first coder's, second coder's)."""
    width = max((len(row) for row in data), default=0)
    if width != 2:
        more = " (Fleiss' kappa takes more)" if width > 2 else ""
        return undefined("cohen_kappa", f"compares exactly two coders; there {'is' if width == 1 else 'are'} "
                                        f"{width}{more}", coders=width)
    pairs = [(row[0], row[1]) for row in data if len(row) == 2 and row[0] is not None and row[1] is not None]
    n = len(pairs)
    counted = dict(coders=2, documents=n if documents is None else documents, units=n)
    if not pairs:
        return undefined("cohen_kappa", "no unit was coded by both coders", **counted)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    p_o = sum(a == b for a, b in pairs) / n
    p_e = sum(first[c] * second[c] for c in first) / (n * n)
    if p_e == 1:
        return undefined("cohen_kappa", _SAME.format(pairs[0][0]), **counted)
    return Agreement("cohen_kappa", (p_o - p_e) / (1 - p_e), observed=1 - p_o, expected=1 - p_e, **counted)


def fleiss_kappa(data: Reliability, *, documents: int | None = None) -> Agreement:
    """Fleiss' (1971) kappa over the units every coder coded."""
    width = max((len(row) for row in data), default=0)
    if width < 2:
        return undefined("fleiss_kappa", f"needs at least two coders; there {'is' if width == 1 else 'are'} {width}",
                         coders=width)
    rows = [Counter(row) for row in data if len(row) == width and all(v is not None for v in row)]
    n = len(rows)
    counted = dict(coders=width, documents=n if documents is None else documents, units=n)
    if not rows:
        return undefined("fleiss_kappa", "no unit was coded by every coder", **counted)
    p_bar = sum(sum(x * (x - 1) for x in counts.values()) for counts in rows) / (n * width * (width - 1))
    totals = Counter()
    for counts in rows:
        totals.update(counts)
    p_e = sum((x / (n * width)) ** 2 for x in totals.values())
    if p_e == 1:
        return undefined("fleiss_kappa", _SAME.format(next(iter(totals))), **counted)
    return Agreement("fleiss_kappa", (p_bar - p_e) / (1 - p_e), observed=1 - p_bar, expected=1 - p_e, **counted)
