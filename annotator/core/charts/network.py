"""Entity mentions counted, and the network of entities found together in a document or a sentence.

A mention is an entity-layer annotation, named by its registry entity, else by its text.
Two mentions share a sentence when no sentence begins between their starts (corpus/sentences.py):
each is in the sentence its first character is in. Sentences are told apart only for the
network's nodes, in the documents holding two or more of them, and only in the stretches
between one mention and the next: never a pass over every mention of the project, nor a
split of every document's whole text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.charts.filters import ChartFilter, Scope, resolve
from annotator.core.charts.table import Base, CellIds, ChartData, ordered
from annotator.core.common.errors import ProjectError
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.sentences import has_break

if TYPE_CHECKING:
    from annotator.core.charts.data import ChartOptions

WITHIN = ("document", "sentence")
NODES = 50  # most nodes a network draws legibly
_TEXTS = 2000  # documents' texts held at once


_ENTITY_LABELS = "SELECT id FROM labels WHERE layer = 'entity'"
_CHUNK = 500  # names bound in one IN (...)


def _arms(scope: Scope) -> tuple[str, str, list]:
    """FROM ... WHERE of the linked mentions (named by their entity) and of the unlinked ones (by their text).

    Apart, each is read from an index of its own (schema 9: by entity, and by text) without
    touching the annotations' rows; the unary + keeps SQLite from choosing the entity_id and
    label_id indexes instead, which hold too little to answer alone.
    """
    cond, params = scope.both("a.document_id", "a.coder_id")
    # CROSS JOIN: SQLite reads the entities first, so a query for a few names reads their mentions alone.
    linked = ("FROM entities e CROSS JOIN annotations a "
              f"WHERE a.entity_id = e.id AND +a.label_id IN ({_ENTITY_LABELS}) AND e.name <> ''{cond}")
    unlinked = ("FROM annotations a "
                f"WHERE +a.entity_id IS NULL AND +a.label_id IN ({_ENTITY_LABELS}) AND a.text <> ''{cond}")
    return linked, unlinked, params


def mentions(scope: Scope) -> Base:
    """Every mention: (document_id, annotation_id, rk: the entity's name or the text, '', span_start)."""
    linked, unlinked, params = _arms(scope)
    return Base("SELECT a.document_id, a.id AS annotation_id, e.name AS rk, '' AS ck, a.span_start "
                f"{linked} UNION ALL SELECT a.document_id, a.id AS annotation_id, a.text AS rk, '' AS ck, "
                f"a.span_start {unlinked}", (*params, *params))


def top_counts(project: ProjectLike, scope: Scope, by: str, limit: int) -> dict[str, tuple[int, int]]:
    """name -> (mentions, documents) of the `limit` names with most `by` ("mentions" or "documents"),
    with every name tied with the last: ordered() then breaks the ties by name as it always did.

    The database counts the linked mentions by entity and the unlinked ones by text, and sorts
    the texts; a name both an entity's and an unlinked text's is counted over both. Of the sorted
    texts only the first rows are read, not every distinct span text of the project.
    """
    conn = project.store.conn
    linked, unlinked, params = _arms(scope)
    found: dict[str, tuple[int, int]] = {str(name): (n, d) for name, n, d in conn.execute(
        f"SELECT e.name, count(*), count(DISTINCT a.document_id) {linked} GROUP BY e.name", params)}
    both = set()
    for text, n in _for_names(conn, f"SELECT a.text, count(*) {unlinked} AND a.text IN (:names) GROUP BY a.text",
                              params, sorted(found)):
        found[text] = (found[text][0] + n, found[text][1])
        both.add(text)
    base = mentions(scope)
    for name, documents in _for_names(conn, f"SELECT rk, count(DISTINCT document_id) FROM ({base.sql}) AS b "
                                            "WHERE rk IN (:names) GROUP BY rk", base.params, sorted(both)):
        found[name] = (found[name][0], documents)
    pick = 1 if by == "documents" else 0
    kept = sorted((pair[pick] for pair in found.values()), reverse=True)
    # Ranked by mentions, the documents of the few texts kept are counted after: a count of
    # distinct documents for each of the project's distinct texts would cost a third more.
    documents = "count(DISTINCT a.document_id)" if by == "documents" else "0"
    texts = []
    for text, n, d in conn.execute(f"SELECT a.text, count(*) AS n, {documents} AS d {unlinked} "
                                   f"GROUP BY a.text ORDER BY {'d' if by == 'documents' else 'n'} DESC", params):
        if text in found:
            continue
        value = (n, d)[pick]
        if len(kept) >= limit and value < kept[limit - 1]:
            break
        found[str(text)] = (n, d)
        texts.append(str(text))
        bisect.insort(kept, value, key=lambda v: -v)
    if by == "mentions":
        for text, d in _for_names(conn, f"SELECT a.text, count(DISTINCT a.document_id) {unlinked} "
                                        "AND a.text IN (:names) GROUP BY a.text", params, texts):
            found[text] = (found[text][0], d)
    return found


def _for_names(conn, sql: str, params, names: list[str]):
    """The rows of sql, whose IN (:names) takes `names`, bound _CHUNK at a time."""
    for i in range(0, len(names), _CHUNK):
        chunk = names[i:i + _CHUNK]
        yield from conn.execute(sql.replace(":names", ", ".join("?" * len(chunk))), (*params, *chunk)).fetchall()


def network(project: ProjectLike, flt: ChartFilter, options: "ChartOptions") -> ChartData:
    """Entities as nodes (sized by documents), an edge weighted by the documents two entities share,
    or with options.within == "sentence" by the sentences they share."""
    if options.within not in WITHIN:
        raise ProjectError(f"Unknown --within {options.within!r}; use document or sentence.")
    scope = resolve(project, flt)
    base = mentions(scope)
    counts = top_counts(project, scope, "documents", min(options.limit, NODES))
    nodes = ordered({name: float(d) for name, (_, d) in counts.items()}, min(options.limit, NODES))
    values: dict[tuple[str, str], float] = {(n, n): counts[n][1] for n in nodes}
    order = {name: i for i, name in enumerate(nodes)}
    if options.within == "sentence":
        pairs = SentencePairs(base)
        for (first, second), shared in pairs.edges(project, nodes).items():
            values[(first, second)] = shared
        return ChartData("cooccurrence", "Entities in the same sentences", "network", "entity", "entity",
                         "sentences", nodes, list(nodes), values, {},
                         f"The {len(nodes)} entities in most documents (a node's size); an edge joins two "
                         "mentioned in the same sentence, weighted by how many sentences they share.", base,
                         pairs=pairs)
    if nodes:
        marks = ", ".join("?" * len(nodes))
        for x, y, shared in project.store.conn.execute(
                f"WITH m AS (SELECT DISTINCT document_id, rk FROM ({base.sql}) AS b WHERE rk IN ({marks})) "
                "SELECT x.rk, y.rk, count(*) FROM m x JOIN m y ON x.document_id = y.document_id AND x.rk < y.rk "
                "GROUP BY x.rk, y.rk", (*base.params, *nodes)):
            first, second = sorted((str(x), str(y)), key=order.__getitem__)
            values[(first, second)] = shared
    return ChartData("cooccurrence", "Entities in the same documents", "network", "entity", "entity",
                     "documents", nodes, list(nodes), values, {},
                     f"The {len(nodes)} entities in most documents; an edge joins two found in the same "
                     "document, weighted by how many documents they share.", base)


@dataclass(frozen=True)
class SentencePairs:
    """The sentences a network's nodes share, from the mentions of its base query."""

    base: Base

    def edges(self, project: ProjectLike, nodes: list[str]) -> dict[tuple[str, str], int]:
        """(a, b) with a before b in `nodes` -> the sentences in which both are mentioned."""
        order = {name: i for i, name in enumerate(nodes)}
        weights: dict[tuple[str, str], int] = {}
        for _, named in self._shared(project, nodes):
            present = sorted(named, key=order.__getitem__)
            for i, first in enumerate(present):
                for second in present[i + 1:]:
                    weights[(first, second)] = weights.get((first, second), 0) + 1
        return weights

    def cell(self, project: ProjectLike, first: str, second: str) -> CellIds:
        """The documents with a sentence mentioning both, and those sentences' mentions of the two."""
        documents, annotations = set(), set()
        for document, named in self._shared(project, [first, second]):
            documents.add(document)
            annotations.update(named[first] + named[second])
        return CellIds(tuple(sorted(documents)), tuple(sorted(annotations)))

    def _shared(self, project: ProjectLike, nodes: list[str]) -> list[tuple[int, dict[str, list[int]]]]:
        """(document, node -> its mentions there) of each sentence mentioning two or more of `nodes`.

        The mentions of the nodes come sorted by document and start, from the documents
        mentioning two of them or more; a sentence begins between one and the next when the text
        between them holds a sentence's end. Each document's text is read once, _TEXTS at a time.
        """
        if len(nodes) < 2:
            return []
        marks = ", ".join("?" * len(nodes))
        conn = project.store.conn
        # MATERIALIZED: the mentions are read once, though the query looks at them twice.
        rows = conn.execute(
            f"WITH m AS MATERIALIZED (SELECT document_id, annotation_id, rk, span_start FROM ({self.base.sql}) AS b "
            f"WHERE rk IN ({marks}) AND span_start IS NOT NULL) "
            "SELECT document_id, annotation_id, rk, span_start FROM m WHERE document_id IN "
            "(SELECT document_id FROM m GROUP BY document_id HAVING count(DISTINCT rk) > 1) "
            "ORDER BY document_id, span_start, annotation_id", (*self.base.params, *nodes)).fetchall()
        documents = sorted({row[0] for row in rows})
        shared: list[tuple[int, dict[str, list[int]]]] = []
        members: list[tuple[str, int]] = []
        present: set[str] = set()
        last, text, prev, texts = None, "", 0, {}

        def close() -> None:
            if len(present) > 1:
                named: dict[str, list[int]] = {}
                for name, annotation in members:
                    named.setdefault(name, []).append(annotation)
                shared.append((last, named))
            members.clear()
            present.clear()

        for document, annotation, rk, start in rows:
            if document != last:
                close()
                if document not in texts:
                    at = bisect.bisect_left(documents, document)
                    texts = dict(conn.execute("SELECT id, text FROM documents WHERE id IN "
                                              "(SELECT value FROM json_each(?))",
                                              (_json(documents[at:at + _TEXTS]),)))
                last, text = document, texts[document]
            elif start > prev and has_break(text, prev, start):
                close()
            prev = start
            members.append((rk, annotation))
            present.add(rk)
        close()
        return shared


def _json(ids: list[int]) -> str:
    import json

    return json.dumps(ids)
