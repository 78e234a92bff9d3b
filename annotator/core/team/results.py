"""What every agreement figure comes back as: its value, what it rests on, or why there is none.

A figure that cannot be computed (one coder, no variation, nothing coded twice) has value
None and a `reason` a reader can act on; it is never a made-up 1.0 or 0, which would print
as a real finding in a methods section.
"""

from __future__ import annotations

from dataclasses import dataclass

MEASURES = ("alpha", "u_alpha", "binary_u_alpha", "percent", "cohen_kappa", "fleiss_kappa", "f1_exact", "f1_overlap")
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Agreement:
    """One agreement figure.

    coders, documents and units count what the figure rests on: the coders whose codes
    entered it, the documents they coded in common, and the units compared (values for
    a variable, spans for unitizing and F1). observed and expected hold the
    disagreements an alpha is made of (1 - observed / expected), so figures over
    several labels can be pooled as Krippendorff pools them.
    """

    measure: str
    value: float | None
    coders: int
    documents: int
    units: int
    reason: str | None = None
    level: str | None = None
    observed: float | None = None
    expected: float | None = None

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown agreement measure {self.measure!r}; one of {', '.join(MEASURES)}")
        if (self.value is None) == (self.reason is None):
            raise ValueError("an agreement figure has either a value or the reason it has none")


def undefined(measure: str, reason: str, *, coders: int = 0, documents: int = 0, units: int = 0,
              level: str | None = None) -> Agreement:
    return Agreement(measure, None, coders, documents, units, reason=reason, level=level)


# Krippendorff (2004, p. 241): rely on alpha >= .800; .667 to .800 for tentative conclusions only.
RELIABLE = 0.800
TENTATIVE = 0.667


def band(value: float | None) -> str:
    """Krippendorff's reading of an alpha: 'reliable', 'tentative', 'unreliable', or '' for no value."""
    if value is None:
        return ""
    if value >= RELIABLE:
        return "reliable"
    return "tentative" if value >= TENTATIVE else "unreliable"
