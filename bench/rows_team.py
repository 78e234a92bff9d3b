"""Row 9: agreement among coders, computed in the core from plain data (no project, no window)."""

from __future__ import annotations

import gc
import math
import random

from .common import Context, check
from .report import RowResult

CODERS = ("ann", "bo", "cy")
LABELS = ("claim", "source", "verdict", "quote", "entity")
SPANS_PER_DOCUMENT = 50
SLOT = 100  # each planted span has its own stretch of text, so a coder's marks of one label never overlap


def documents_for(ctx: Context) -> int:
    return 300 if ctx.quick else 1000


def coded(documents: int, seed: int = 9):
    """Three coders' spans and answers to three variables: a shared truth, each coder off by a little."""
    from annotator.core.team.spans import Span

    rng = random.Random(seed)
    lengths = {d: SPANS_PER_DOCUMENT * SLOT for d in range(documents)}
    spans = {coder: [] for coder in CODERS}
    labels = []  # units x coders: the label each coder gave each planted span
    for d in range(documents):
        for k in range(SPANS_PER_DOCUMENT):
            start, end, label = k * SLOT + rng.randint(5, 30), k * SLOT + rng.randint(50, 90), rng.choice(LABELS)
            row = []
            for coder in CODERS:
                given = label if rng.random() > 0.1 else rng.choice(LABELS)
                jitter = 0 if rng.random() < 0.6 else rng.randint(-4, 4)
                spans[coder].append(Span(d, start + jitter, end, given))
                row.append(given)
            labels.append(row)
    variables = {
        "topic": ("nominal", [[rng.choice("ABCDE") if rng.random() > 0.05 else None for _ in CODERS]
                              for _ in range(documents)]),
        "tone": ("ordinal", [[rng.randint(1, 5) for _ in CODERS] for _ in range(documents)]),
        "sources": ("interval", [[rng.randint(0, 12) for _ in CODERS] for _ in range(documents)]),
    }
    return lengths, spans, labels, variables


def agreement_table(lengths, spans, variables):
    """Every figure `annotator agreement` reports for one layer and three variables."""
    from annotator.core.team.alpha import krippendorff_alpha, percent_agreement
    from annotator.core.team.kappa import fleiss_kappa
    from annotator.core.team.span_f1 import pairwise_span_f1_by_label
    from annotator.core.team.unitizing import binary_unitizing_alpha, layer_unitizing_alpha

    figures = {}
    for name, (level, data) in variables.items():
        figures[name, "alpha"] = krippendorff_alpha(data, level)
        figures[name, "percent"] = percent_agreement(data)
        figures[name, "fleiss_kappa"] = fleiss_kappa(data)
    layer, per_label = layer_unitizing_alpha(spans, lengths)
    figures["layer", "u_alpha"] = layer
    figures.update({(label, "u_alpha"): figure for label, figure in per_label.items()})
    figures["layer", "binary_u_alpha"] = binary_unitizing_alpha(spans, lengths)
    for overlap in (False, True):
        pooled, per_label = pairwise_span_f1_by_label(spans, lengths, overlap=overlap)
        figures["layer", pooled.measure] = pooled
        figures.update({(label, figure.measure): figure for label, figure in per_label.items()})
    return figures


def row_agreement(ctx: Context, results: list[RowResult]) -> None:
    import krippendorff
    import numpy as np

    from annotator.core.team.alpha import krippendorff_alpha

    result = results[0]
    documents = documents_for(ctx)
    lengths, spans, labels, variables = coded(documents)
    matrix = np.array([[LABELS.index(v) for v in row] for row in labels], dtype=float).T
    for i in ctx.timed_rounds():
        gc.collect()
        with ctx.clock(profile=i >= ctx.warmup) as c:
            figures = agreement_table(lengths, spans, variables)
        gc.collect()
        with ctx.clock() as r:
            reference = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
        if i >= ctx.warmup:
            result.samples.append(c.ms / 1000)
            result.reference.append(r.ms / 1000)
    n_spans = documents * SPANS_PER_DOCUMENT * len(CODERS)
    layer = figures["layer", "u_alpha"]
    check((layer.coders, layer.documents, layer.units) == (3, documents, n_spans),
          f"u-alpha rests on {layer.coders} coders, {layer.documents} documents, {layer.units} spans")
    check(all(f.value is not None for f in figures.values()),
          f"figures with no value: {[k for k, f in figures.items() if f.value is None]}")
    check(0.5 < layer.value < figures["layer", "binary_u_alpha"].value < 1,
          f"u-alpha {layer.value:.3f}, binary {figures['layer', 'binary_u_alpha'].value:.3f}: coders who agree on "
          "nine labels in ten and most boundaries must land between .5 and 1, places above labels")
    check(figures["layer", "f1_exact"].value < figures["layer", "f1_overlap"].value,
          "F1 with exact boundaries must be below F1 with overlapping ones when boundaries jitter")
    ours = krippendorff_alpha(labels, "nominal").value
    check(math.isclose(ours, reference, abs_tol=1e-9), f"our alpha {ours} is not the package's {reference}")
    result.checked = True
    result.notes.append(f"{len(figures)} figures: per label and layer u-alpha, |u-alpha, F1 exact and overlapping "
                        f"per label and layer, alpha, percent and Fleiss' kappa of 3 variables; layer u-alpha "
                        f"{layer.value:.3f}; our nominal alpha over the reference's matrix equals the package's")
