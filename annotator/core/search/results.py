"""What a search gives back, on either engine: documents with keyword-in-context hits.

The engines differ in how they find the documents (fulltext.py: SQLite's FTS5,
pg_fulltext.py: a shared project's server); where in a document the words are is
worked out here, in Python, from the query's matchers, so a hit is the same code-point
span on both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.common.errors import ProjectError
from annotator.core.search.query import TOKENIZER, ParsedQuery, hits

CONTEXT = 60  # code points of context on each side of a hit
MAX_HITS_PER_DOCUMENT = 100_000  # document_hits: every hit a result row can list
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchFilter:
    """Which documents may match: all conditions hold; empty means every document."""

    label_ids: tuple[int, ...] = ()  # documents carrying an annotation with one of these labels (a group: its labels)
    entity_id: int | None = None  # documents where this registry entity is linked (entity span or a role)
    metadata: tuple[tuple[str, str], ...] = ()  # (key, value) pairs that must all hold; value "" = has the key


@dataclass(frozen=True)
class Hit:
    """One place a search matched: code-point offsets into the document text, and the words around it.

    match is text[start:end]; before and after show up to CONTEXT code points cut at
    word boundaries, with line breaks as spaces and "…" where the text goes on.
    """

    start: int
    end: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class DocumentHits:
    """A matching document: how often the text matched and the first hits in text order.

    hit_count 0 means the title matched (or, with several words, some of them only in the title).
    """

    document_id: int
    title: str
    hit_count: int
    hits: list[Hit]


@dataclass(frozen=True)
class SearchPage:
    query: str
    total_documents: int
    documents: list[DocumentHits]
    total_is_exact: bool = True  # False: at least total_documents match; counting them all ran out of time


class SearchCancelled(Exception):
    """The search was interrupted (the analyst typed again); nothing to show."""


def page_total(ids: list[int], offset: int, limit: int,
               count_after: Callable[[int], tuple[int, bool]]) -> tuple[int, bool]:
    """How many documents match in all, and whether that is exact, for a page of ids from offset.

    A short page is the last one, so the total is known; otherwise count_after(last id on the
    page) counts the rest, which may stop early and give a lower bound.
    """
    if len(ids) < limit and (ids or offset == 0):
        return offset + len(ids), True
    rest, exact = count_after(ids[-1] if ids else 0)
    return rest + (offset + len(ids) if ids else 0), exact


def documents_with_hits(conn, parsed: ParsedQuery, ids: list[int], per_document: int,
                        cancelled: Callable[[], bool], inside_words: bool = False) -> list[DocumentHits]:
    """The documents' hits in text order, per_document of them shown; inside_words: see Term.pattern."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = {row[0]: row for row in conn.execute(f"SELECT id, title, text FROM documents WHERE id IN ({marks})", ids)}
    matchers: dict[bool, list] = {}
    found = []
    for doc_id in ids:
        if cancelled():
            raise SearchCancelled()
        if doc_id not in rows:
            continue  # removed since the index answered
        _id, title, text = rows[doc_id]
        folded = TOKENIZER.fold(text)
        dropped = "\x00" in folded  # a combining accent the index drops: patterns that skip it
        if dropped not in matchers:
            matchers[dropped] = parsed.matchers(dropped, inside_words)
        count, shown = 0, []
        for start, end in hits(matchers[dropped], folded):
            count += 1
            if len(shown) < per_document:
                shown.append(hit_in_context(text, start, end))
        found.append(DocumentHits(doc_id, title, count, shown))
    return found


def hit_in_context(text: str, start: int, end: int) -> Hit:
    left = max(0, start - CONTEXT)
    before = text[left:start]
    if left > 0:
        cut = re.search(r"\s", before) if not text[left - 1].isspace() else None
        # Drop the word the window cut in two (unless it is all there is: text without spaces).
        before = "…" + (before[cut.end():] if cut and cut.end() < len(before) else before)
    right = min(len(text), end + CONTEXT)
    after = text[end:right]
    if right < len(text):
        cut = _last_space(after) if not text[right].isspace() else len(after)
        after = (after[:cut] if cut > 0 else after) + "…"
    return Hit(start, end, _SPACES.sub(" ", before), text[start:end], _SPACES.sub(" ", after))


def _last_space(text: str) -> int:
    found = [m.start() for m in _SPACES.finditer(text)]
    return found[-1] if found else -1



def label_set(conn, label_ids: tuple[int, ...]) -> set[int]:
    """The labels chosen, a group standing for every label under it."""
    rows = conn.execute("SELECT id, parent_id FROM labels").fetchall()
    known = {row[0] for row in rows}
    children: dict[int | None, list[int]] = {}
    for label_id, parent in rows:
        children.setdefault(parent, []).append(label_id)
    chosen: set[int] = set()
    pending = list(label_ids)
    while pending:
        label_id = pending.pop()
        if label_id not in known:
            raise ProjectError(f"There is no label {label_id} in the codebook; choose a label from the list.")
        if label_id not in chosen:
            chosen.add(label_id)
            pending.extend(children.get(label_id, []))
    return chosen
