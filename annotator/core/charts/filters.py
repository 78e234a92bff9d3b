"""Which documents and whose codes a chart counts: a document filter and a coder scope.

The document filter keeps documents by metadata (key=value, all must hold), by a stance
toward a target (optionally of one stance label), and by a search query; it becomes an
id list the chart queries take as `json_each(?)`, which both engines read. The coder
scope is one coder, the gold layer, or every coder (the gold layer left out: it copies
coders' codes, and counting it beside them would count an adjudicated code twice).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from annotator.core.common.errors import ProjectError
from annotator.core.common.protocols import ProjectLike

_SEARCH_PAGE = 1000


@dataclass(frozen=True)
class ChartFilter:
    metadata: tuple[tuple[str, str], ...] = ()  # (key, value): the document's field equals value exactly
    stance_target: str | None = None  # documents with a stance toward this target
    stance: str | None = None  # ...of this stance label (Favor, Against, ...); needs stance_target
    search: str | None = None  # a corpus search query (see search/query.py)
    coder: str | None = None  # one coder's codes
    gold: bool = False  # the adjudicated layer's codes
    documents: tuple[int, ...] | None = None  # only these documents (the dashboard: those the document list shows)

    def describe(self) -> str:
        """The filter in words, for a chart's subtitle and a report's method note."""
        parts = [f"{key} = {value}" for key, value in self.metadata]
        if self.documents is not None:
            parts.append(f"{len(self.documents):,} document{'s' * (len(self.documents) != 1)} chosen")
        if self.stance_target:
            parts.append(f"stance {self.stance or 'any'} toward {self.stance_target}")
        if self.search:
            parts.append(f"search “{self.search}”")
        parts.append(f"coder {self.coder}" if self.coder else "gold layer" if self.gold else "all coders")
        return "; ".join(parts)


@dataclass(frozen=True)
class Scope:
    """A ChartFilter resolved against a project: SQL conditions and their parameters."""

    documents: tuple[int, ...] | None  # None: every document
    coder_ids: tuple[int, ...] | None  # None: every coder but gold
    gold_exists: bool = True

    def docs(self, column: str) -> tuple[str, list]:
        """' AND column IN (...)' keeping the filtered documents, and its parameters."""
        if self.documents is None:
            return "", []
        return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(self.documents))]

    def coders(self, column: str) -> tuple[str, list]:
        ids = self.coder_ids
        if ids is None:
            # No condition at all when there is no gold layer: a coder_id test would read every
            # annotation's row where an index alone answers the count (5x slower on a million).
            if not self.gold_exists:
                return "", []
            return f" AND {column} NOT IN (SELECT id FROM coders WHERE kind = 'gold')", []
        return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]

    def both(self, doc_column: str, coder_column: str) -> tuple[str, list]:
        sql1, p1 = self.docs(doc_column)
        sql2, p2 = self.coders(coder_column)
        return sql1 + sql2, p1 + p2


def metadata_keys(project: ProjectLike) -> list[str]:
    return [key for (key,) in project.store.conn.execute(
        "SELECT DISTINCT key FROM document_metadata ORDER BY key")]


def require_key(project: ProjectLike, key: str) -> None:
    keys = metadata_keys(project)
    if key not in keys:
        known = ", ".join(keys) if keys else "none: import documents with metadata first"
        raise ProjectError(f"No document has the metadata field {key!r}; the project's fields are: {known}.")


def resolve(project: ProjectLike, flt: ChartFilter) -> Scope:
    """The documents and coders `flt` keeps; a ProjectError says what was wrong (an unknown field, coder, query)."""
    if flt.coder and flt.gold:
        raise ProjectError("Choose one of --coder NAME, --gold and --all-coders.")
    coder_ids: tuple[int, ...] | None = None
    if flt.coder:
        coder_ids = (project.coders.named(flt.coder).id,)
    elif flt.gold:
        gold = project.coders.gold()
        if gold is None:
            raise ProjectError("This project has no gold layer yet; take codes into it first "
                               "(`annotator adjudicate`), or chart one coder or all coders.")
        coder_ids = (gold.id,)
    kept: set[int] | None = None

    def narrow(ids) -> None:
        nonlocal kept
        ids = set(ids)
        kept = ids if kept is None else kept & ids

    conn = project.store.conn
    if flt.documents is not None:
        narrow(flt.documents)
    for key, value in flt.metadata:
        require_key(project, key)
        narrow(row[0] for row in conn.execute(
            "SELECT document_id FROM document_metadata WHERE key = ? AND value = ?", (key, value)))
    if flt.stance and not flt.stance_target:
        raise ProjectError("A stance filter needs a target: give --stance-target NAME as well.")
    if flt.stance_target:
        label_id = None
        if flt.stance:
            label = project.codebook.by_name(flt.stance)
            if label is None or label.layer != "stance":
                names = ", ".join(l.name for l in project.codebook.in_layer("stance") if not l.is_group)
                raise ProjectError(f"{flt.stance!r} is not a stance label; use one of: {names}.")
            label_id = label.id
        narrow(project.annotations.documents_with_stance(flt.stance_target, label_id))
    if flt.search:
        narrow(_searched(project, flt.search))
    return Scope(None if kept is None else tuple(sorted(kept)), coder_ids, project.coders.gold() is not None)


def _searched(project: ProjectLike, query: str) -> list[int]:
    from annotator.core.search.fulltext import search

    found: list[int] = []
    while True:
        page = search(project, query, offset=len(found), limit=_SEARCH_PAGE, hits_per_document=0)
        found.extend(hit.document_id for hit in page.documents)
        if len(page.documents) < _SEARCH_PAGE:
            return found
