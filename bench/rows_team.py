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


# -- row 9b: the same coding, fed from a project ----------------------------------------------------

PROJECT_LABELS = {"claim": "Claim", "source": "Quote", "verdict": "Person", "quote": "Organization",
                  "entity": "Location"}  # row 9's labels as the default codebook's: two layers, five labels
TOPICS = "ABCDE"


def _build_team_project(path, documents: int) -> None:
    """A project with row 9's coding: 1,000 documents, 3 coders x 50 spans each, 3 variables."""
    import sqlite3

    from annotator.core.project import Project

    lengths, spans, _labels, variables = coded(documents)
    with Project(path) as project:
        project.variables.add("topic", "single_choice", choices=[(i + 1, t) for i, t in enumerate(TOPICS)])
        project.variables.add("tone", "single_choice", level="ordinal",
                              choices=[(i, f"tone {i}") for i in range(1, 6)])
        project.variables.add("sources", "number", level="interval")
        coder_ids = [project.coders.add(name).id for name in CODERS]
        label_ids = {name: project.codebook.by_name(real).id for name, real in PROJECT_LABELS.items()}
        variable_ids = {v.name: v.id for v in project.variables.list()}
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN")
        words = ("agree ", "coder ", "media ", "claim ")
        for d in range(documents):
            text = "".join(words[(d + k) % 4] for k in range(lengths[d] // 6)).ljust(lengths[d], ".")
            conn.execute("INSERT INTO documents(id, title, source, sha256, encoding, imported_at, status, text) "
                         "VALUES (?, ?, '', ?, 'utf-8', '2024-01-01T00:00:00', 'todo', ?)",
                         (d + 1, f"article {d + 1}", f"{d:064x}", text))
        for coder, coder_id in zip(CODERS, coder_ids):
            conn.executemany(
                "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                "created_at, updated_at, coder_id) VALUES (?, ?, ?, ?, '', '', ?, '2024', '2024', ?)",
                [(s.document + 1, label_ids[s.label], s.start, s.end, coder, coder_id) for s in spans[coder]])
        for name, (_level, data) in variables.items():
            for d, row in enumerate(data):
                for coder_id, value in zip(coder_ids, row):
                    if value is None:
                        continue
                    stored = str(TOPICS.index(value) + 1) if name == "topic" else str(value)
                    conn.execute("INSERT INTO variable_values(document_id, variable_id, coder_id, value, "
                                 "updated_at) VALUES (?, ?, ?, ?, '2024')", (d + 1, variable_ids[name], coder_id,
                                                                             stored))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def team_project(ctx: Context):
    """A working copy of the cached team project (built once per cache key, like the archives)."""
    import os
    import shutil

    from .archive import cache_folder

    documents = documents_for(ctx)
    folder = cache_folder() if ctx.cache else ctx.workdir / "built"
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"team-{documents}.annotator"
    if not final.exists():
        tmp = final.with_name(f".{final.name}.{os.getpid()}.building")
        tmp.unlink(missing_ok=True)
        _build_team_project(tmp, documents)
        os.replace(tmp, final)
    copy = ctx.workdir / "team" / final.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(final, copy)
    return copy


def row_agreement_project(ctx: Context, results: list[RowResult]) -> None:
    from annotator.core.project import Project
    from annotator.core.team.project_agreement import agreement

    from .common import discard

    result = results[0]
    documents = documents_for(ctx)
    lengths, spans, _labels, variables = coded(documents)
    renamed = {coder: [s._replace(document=s.document + 1, label=PROJECT_LABELS[s.label]) for s in found]
               for coder, found in spans.items()}
    lengths = {d + 1: n for d, n in lengths.items()}
    path = team_project(ctx)
    try:
        with Project(path, create=False) as project:
            for i in ctx.timed_rounds():
                gc.collect()
                with ctx.clock(profile=i >= ctx.warmup) as c:
                    report = agreement(project)
                gc.collect()
                with ctx.clock() as r:
                    reference = agreement_table(lengths, renamed, variables)
                if i >= ctx.warmup:
                    result.samples.append(c.ms / 1000)
                    result.reference.append(r.ms / 1000)
    finally:
        discard(path)
    figures = {(row.scope, row.name, row.figure.measure): row.figure for row in report.rows}
    n_spans = documents * SPANS_PER_DOCUMENT * len(CODERS)
    check((len(report.coders), len(report.units), len(report.complete)) == (3, documents, documents),
          f"{len(report.coders)} coders over {len(report.units)} units, {len(report.complete)} complete")
    check(sum(f.units for (scope, _, measure), f in figures.items() if scope == "layer" and measure == "u_alpha")
          == n_spans, "the layers' u-alpha must rest on every span")
    for label in PROJECT_LABELS.values():
        for measure in ("u_alpha", "f1_exact", "f1_overlap"):
            ours, theirs = figures["label", label, measure].value, reference[label, measure].value
            check(math.isclose(ours, theirs, abs_tol=1e-9), f"{label} {measure}: {ours} from the project, "
                                                             f"{theirs} from the same spans given directly")
    for name, (level, _data) in variables.items():
        for measure in ("alpha", "percent", "fleiss_kappa"):
            ours, theirs = figures["variable", name, measure].value, reference[name, measure].value
            check(math.isclose(ours, theirs, abs_tol=1e-9), f"{name} {measure}: {ours} vs {theirs}")
    result.checked = True
    result.notes.append(f"{len(report.rows)} figures, {len(report.roles)} role and attribute alphas over matched "
                        f"spans, {len(report.disagreements):,} places of disagreement, a {len(report.coders)} x "
                        f"{len(report.coders)} matrix and {len(report.documents):,} document rows; label and "
                        "variable figures equal row 9's math on the same spans given directly")
