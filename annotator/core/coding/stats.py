"""Counts that tell an analyst how far a project has come."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.common.model import LAYER_NAMES, LAYERS, STATUS_NAMES, STATUSES
from annotator.core.common.names import display_width as _width
from annotator.core.common.names import shown_text
from annotator.core.common.protocols import ProjectLike


@dataclass(frozen=True)
class LabelCount:
    name: str
    layer: str
    count: int


@dataclass(frozen=True)
class Stats:
    documents: int
    annotations: int
    by_layer: dict[str, int]  # every layer, in LAYERS order
    by_label: list[LabelCount]  # every label, in codebook order, zeros included
    by_status: dict[str, int]  # every status, in STATUSES order


def project_stats(project: ProjectLike) -> Stats:
    store = project.store
    per_label = dict(store.query("SELECT label_id, count(*) FROM annotations GROUP BY label_id"))
    by_label = [LabelCount(l.name, l.layer, per_label.get(l.id, 0)) for l in project.codebook.codable_labels()]
    by_layer = {layer: 0 for layer in LAYERS}
    for row in by_label:
        by_layer[row.layer] = by_layer.get(row.layer, 0) + row.count
    by_status = {status: 0 for status in STATUSES}
    # Unknown statuses can only come from a file edited outside the app; show them
    # rather than let the status counts silently disagree with the document count.
    by_status.update(dict(store.query("SELECT status, count(*) FROM documents GROUP BY status")))
    return Stats(
        documents=project.documents.count(),
        annotations=project.annotations.count(),
        by_layer=by_layer,
        by_label=by_label,
        by_status=by_status,
    )


def format_stats(stats: Stats) -> str:
    """A plain-text table for a terminal or a log."""
    lines: list[tuple[str, str]] = [("Documents", str(stats.documents))]
    lines += [(f"  {STATUS_NAMES.get(s) or shown_text(str(s))}", str(n)) for s, n in stats.by_status.items()]
    lines.append(("Annotations", str(stats.annotations)))
    lines += [(f"  {LAYER_NAMES.get(layer, layer)}", str(n)) for layer, n in stats.by_layer.items()]
    summary = _align(lines)

    header = ("Layer", "Label", "Count")
    rows = [(LAYER_NAMES.get(r.layer) or shown_text(r.layer), shown_text(r.name), str(r.count))
            for r in stats.by_label]
    table = _table(header, rows) if rows else ["(the codebook has no labels)"]
    return "\n".join([*summary, "", "By label", *table])


def _align(pairs: list[tuple[str, str]]) -> list[str]:
    left = max(_width(a) for a, _ in pairs)
    right = max(len(b) for _, b in pairs)
    return [f"{_pad(a, left)}  {b:>{right}}" for a, b in pairs]


def _table(header: tuple[str, str, str], rows: list[tuple[str, str, str]]) -> list[str]:
    all_rows = [header, *rows]
    w0 = max(_width(r[0]) for r in all_rows)
    w1 = max(_width(r[1]) for r in all_rows)
    w2 = max(len(r[2]) for r in all_rows)
    return [f"  {_pad(a, w0)}  {_pad(b, w1)}  {c:>{w2}}".rstrip() for a, b, c in all_rows]


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
