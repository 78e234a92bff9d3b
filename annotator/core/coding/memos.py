"""Memos: the analyst's notes on annotations, documents, entities and labels, found again.

A codebook grows out of memos ("count 'sources say' as a claim?"), so they must be
searchable in one place (they leave the project with exporting.export_memos).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.common.protocols import ProjectLike

MEMO_KINDS = ("document", "annotation", "entity", "label")
KIND_NAMES = {"document": "Document", "annotation": "Annotation", "entity": "Entity", "label": "Label"}

SNIPPET_CONTEXT = 40  # characters shown either side of a hit


@dataclass(frozen=True)
class MemoHit:
    """One memo that matched a search."""

    kind: str  # one of MEMO_KINDS
    id: int  # the annotation's, document's, entity's or label's id
    document_id: int | None  # for annotations and documents
    title: str  # what the memo is on: "Claim: the annotated text", a document title, a name
    snippet: str  # the memo around the hit, on one line
    memo: str  # the whole memo
    document_title: str = ""  # where an annotation is


def all_memos(project: ProjectLike) -> list[MemoHit]:
    """Every memo with something in it: documents, then annotation notes in reading order, entities, labels."""
    conn = project.store.conn
    titles = dict(conn.execute("SELECT id, title FROM documents").fetchall())
    labels = {label.id: label.name for label in project.codebook.labels()}
    found: list[MemoHit] = []
    for doc_id, title, memo in conn.execute(
        "SELECT id, title, memo FROM documents WHERE memo != '' ORDER BY id"
    ):
        found.append(MemoHit("document", doc_id, doc_id, title, "", memo))
    for ann_id, doc_id, label_id, text, target, note in conn.execute(
        "SELECT id, document_id, label_id, text, target, note FROM annotations WHERE note != '' "
        "ORDER BY document_id, span_start, span_end DESC, id"
    ):
        name = labels.get(label_id, "?")
        what = f"{name}: {_one_line(text, 60)}" if text else f"{name} toward {target or '?'} (whole document)"
        found.append(MemoHit("annotation", ann_id, doc_id, what, "", note, titles.get(doc_id, "")))
    for entity_id, name, memo in conn.execute(
        "SELECT id, name, memo FROM entities WHERE memo != '' ORDER BY name, id"
    ):
        found.append(MemoHit("entity", entity_id, None, name, "", memo))
    for label_id, name, memo in conn.execute(
        "SELECT id, name, memo FROM labels WHERE memo != '' ORDER BY sort_order, id"
    ):
        found.append(MemoHit("label", label_id, None, name, "", memo))
    # A memo of only spaces or line breaks says nothing.
    return [memo for memo in found if memo.memo.strip()]


def search_memos(project: ProjectLike, query: str) -> list[MemoHit]:
    """Memos containing query, ignoring case (Hangul and other scripts alike); all memos when it is blank."""
    query = query.strip()
    pattern = re.compile(re.escape(query), re.IGNORECASE) if query else None
    hits = []
    for memo in all_memos(project):
        if pattern is None:
            hits.append(_with_snippet(memo, 0, 0))
            continue
        match = pattern.search(memo.memo)
        if match is not None:
            hits.append(_with_snippet(memo, match.start(), match.end()))
    return hits


def _with_snippet(memo: MemoHit, start: int, end: int) -> MemoHit:
    text = memo.memo
    left = max(0, start - SNIPPET_CONTEXT)
    right = min(len(text), max(end, start) + SNIPPET_CONTEXT)
    snippet = _one_line(text[left:right])
    snippet = ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")
    return MemoHit(memo.kind, memo.id, memo.document_id, memo.title, snippet, memo.memo, memo.document_title)


def _one_line(text: str, limit: int | None = None) -> str:
    line = " ".join(text.split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1] + "…"
    return line
