"""The default codebook's colours tell labels apart, as swatches and as highlights (issue 11, item 6c).

Claim (#E15759) and Against (#D62728) were both red: as 30 % highlights they differed
by ΔE00 4.0, Location and Favor by 4.6. Distance is CIEDE2000 (tests/colour_difference.py).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from annotator.core.coding.codebook import PALETTE
from annotator.ui.common.colors import TINT_ALPHA, blend, key_color
from tests.colour_difference import contrast_ratio, delta_e2000, lab

# The codebook file this checkout ships (and packages: tests/test_resources.py checks an
# installed copy loads its own), read from the tree so the check sees this file even
# when an editable install elsewhere maps annotator.resources to another checkout.
CODEBOOK = Path(__file__).resolve().parents[2] / "resources" / "codebook.json"

HIGHLIGHTS_APART = 8.0  # ΔE00 between two labels' highlights: clearly another colour at a glance
SWATCHES_APART = 15.0  # ΔE00 between two toolbar swatches
PAGE_APART = 7.0  # ΔE00 between a highlight and the white page: a highlight is seen at all


def default_labels() -> dict[str, str]:
    book = json.loads(CODEBOOK.read_text("utf-8"))
    return {label["name"]: label["color"] for layer in book["layers"] for label in layer["labels"]}


def highlight(color: str) -> str:
    return blend([color], "#FFFFFF", TINT_ALPHA).name()


def closest_pairs(colors: dict[str, str], convert) -> list[tuple[float, str, str]]:
    pairs = [(round(delta_e2000(lab(convert(a)), lab(convert(b))), 1), name_a, name_b)
             for (name_a, a), (name_b, b) in itertools.combinations(colors.items(), 2)]
    return sorted(pairs)


def test_the_checker_agrees_with_the_published_ciede2000_values():
    # Sharma, Wu and Dalal (2005), test pairs 1 and 17.
    assert round(delta_e2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(delta_e2000((50, 2.5, 0), (73, 25, -18)), 4) == 27.1492


def test_every_two_default_labels_differ_clearly_as_highlights_and_as_swatches():
    labels = default_labels()
    assert len(labels) == 13
    # The three colours new labels get next are held to the same standard.
    extra = [color for color in PALETTE if color not in labels.values()][:3]
    colors = {**labels, **{f"new label {i + 1}": color for i, color in enumerate(extra)}}
    assert [p for p in closest_pairs(colors, highlight) if p[0] < HIGHLIGHTS_APART] == []
    assert [p for p in closest_pairs(colors, lambda c: c) if p[0] < SWATCHES_APART] == []
    white = lab("#FFFFFF")
    assert [name for name, color in colors.items() if delta_e2000(lab(highlight(color)), white) < PAGE_APART] == []


def test_text_stays_readable_on_every_colour():
    for name, color in {**default_labels(), **dict.fromkeys(PALETTE)}.items():
        color = color or name
        # Reader text on the highlight: WCAG's enhanced level for body text.
        assert contrast_ratio("#000000", highlight(color)) >= 7, name
        # The key letter on its toolbar swatch, and the text of a flashed span.
        assert contrast_ratio(key_color(color), color) >= 4.5, name
