"""Entity mentions counted, and the network of entities found together in a document or a sentence.

A mention is an entity-layer annotation, named by its registry entity, else by its text.
Two mentions share a sentence when no sentence begins between their starts (corpus/sentences.py):
each is in the sentence its first character is in. Sentences are told apart only for the
network's nodes, in the documents holding two or more of them, from the text between one
mention and the next, read in SQL a short piece at a time: never a Python pass over every
mention of the project or every document's whole text.
"""

from __future__ import annotations

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
_PIECE = 400  # code points of the text between two mentions read at first; a longer stretch is read whole if need be


def mentions(scope: Scope) -> Base:
    cond, params = scope.both("a.document_id", "a.coder_id")
    return Base("SELECT a.document_id, a.id AS annotation_id, CAST(COALESCE(e.name, a.text) AS TEXT) AS rk, "
                "'' AS ck FROM annotations a JOIN labels l ON l.id = a.label_id "
                "LEFT JOIN entities e ON e.id = a.entity_id "
                f"WHERE l.layer = 'entity' AND COALESCE(e.name, a.text) <> ''{cond}", tuple(params))


def top_counts(project: ProjectLike, base: Base, by: str, limit: int) -> dict[str, tuple[int, int]]:
    """name -> (mentions, documents) of the `limit` names with most `by` ("mentions" or "documents"),
    with every name tied with the last: ordered() then breaks the ties by name as it always did.
    The database sorts; only the first rows are read, not every distinct span text of the project."""
    column = "count(*)" if by == "mentions" else "count(DISTINCT document_id)"
    rows = project.store.conn.execute(
        f"SELECT rk, count(*), count(DISTINCT document_id) FROM ({base.sql}) AS b GROUP BY rk "
        f"ORDER BY {column} DESC", base.params)
    found: dict[str, tuple[int, int]] = {}
    last = None
    for rk, mention_count, documents in rows:
        value = mention_count if by == "mentions" else documents
        if len(found) >= limit and value != last:
            break
        found[str(rk)] = (mention_count, documents)
        last = value
    return found


def network(project: ProjectLike, flt: ChartFilter, options: "ChartOptions") -> ChartData:
    """Entities as nodes (sized by documents), an edge weighted by the documents two entities share,
    or with options.within == "sentence" by the sentences they share."""
    if options.within not in WITHIN:
        raise ProjectError(f"Unknown --within {options.within!r}; use document or sentence.")
    base = mentions(resolve(project, flt))
    counts = top_counts(project, base, "documents", min(options.limit, NODES))
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
        for named in self._sentences(project, nodes).values():
            present = sorted(named, key=order.__getitem__)
            for i, first in enumerate(present):
                for second in present[i + 1:]:
                    weights[(first, second)] = weights.get((first, second), 0) + 1
        return weights

    def cell(self, project: ProjectLike, first: str, second: str) -> CellIds:
        """The documents with a sentence mentioning both, and those sentences' mentions of the two."""
        documents, annotations = set(), set()
        for (document, _), named in self._sentences(project, [first, second]).items():
            if first in named and second in named:
                documents.add(document)
                annotations.update(named[first] + named[second])
        return CellIds(tuple(sorted(documents)), tuple(sorted(annotations)))

    def _sentences(self, project: ProjectLike, nodes: list[str]) -> dict[tuple[int, int], dict[str, list[int]]]:
        """(document, its nth sentence holding a mention) -> node -> its mentions there, for the
        documents mentioning two or more of `nodes`. Whether a sentence begins between one mention
        and the next (by start) is read from the text between them: the first _PIECE code
        points in SQL, the rest only where those hold no sentence's end."""
        if len(nodes) < 2:
            return {}
        marks = ", ".join("?" * len(nodes))
        # MATERIALIZED: the mentions are read once, though the query looks at them twice.
        rows = project.store.conn.execute(
            f"WITH m AS MATERIALIZED (SELECT b.document_id, b.annotation_id, b.rk, a.span_start "
            f"FROM ({self.base.sql}) AS b JOIN annotations a ON a.id = b.annotation_id "
            f"WHERE b.rk IN ({marks}) AND a.span_start IS NOT NULL), "
            "s AS (SELECT document_id, annotation_id, rk, span_start, LAG(span_start) OVER "
            "(PARTITION BY document_id ORDER BY span_start, annotation_id) AS prev FROM m WHERE document_id IN "
            "(SELECT document_id FROM m GROUP BY document_id HAVING count(DISTINCT rk) > 1)) "
            "SELECT s.document_id, s.annotation_id, s.rk, s.span_start, s.prev, "
            f"CASE WHEN s.prev < s.span_start THEN substr(d.text, s.prev + 1, min(s.span_start - s.prev + 1, {_PIECE})) "
            "END FROM s JOIN documents d ON d.id = s.document_id ORDER BY s.document_id, s.span_start, s.annotation_id",
            (*self.base.params, *nodes)).fetchall()
        breaks: list[bool | None] = []
        unsure: set[int] = set()
        for document, _, _, start, prev, piece in rows:
            if prev is None:
                breaks.append(True)
            elif piece is None:  # two mentions starting at one place
                breaks.append(False)
            elif start - prev < _PIECE:  # the whole stretch, and the mention's first character after it
                breaks.append(has_break(piece, 0, start - prev))
            elif has_break(piece.rstrip()):  # a stop at the piece's end: the full text says what follows it
                breaks.append(True)
            else:
                breaks.append(None)
                unsure.add(document)
        if unsure:
            texts = dict(project.store.conn.execute(
                "SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                (_json(sorted(unsure)),)))
            for i, (document, _, _, start, prev, _) in enumerate(rows):
                if breaks[i] is None:
                    breaks[i] = has_break(texts[document], prev, start)
        sentences: dict[tuple[int, int], dict[str, list[int]]] = {}
        number = 0
        for (document, annotation, rk, _, _, _), new in zip(rows, breaks):
            number += bool(new)
            sentences.setdefault((document, number), {}).setdefault(str(rk), []).append(annotation)
        return sentences


def _json(ids: list[int]) -> str:
    import json

    return json.dumps(ids)
