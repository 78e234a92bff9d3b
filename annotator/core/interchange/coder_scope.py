"""Whose codes an export holds: one coder's (`--coder NAME`), or every coder's, told apart.

A coder "has coded" a document when they have an annotation on it (a span or a whole-document
code), an answer on its codesheet, or have marked it coded. The coders of a project are those
who have coded anything: a coder added by name who never coded adds no rows and no column.

* With `coder` given, or when at most one coder has coded anything, the export is one coder's
  view and is laid out exactly as before projects had coders: no coder column, one row per
  document.
* With several coders (and no `coder`), the tables get a `coder` column: the annotations CSV
  one per annotation; the document tables (matrix, coding table) and JSON Lines one row or
  record per (document, coder who coded it), plus one with an empty coder for a document
  nobody coded, so every document still appears. Counts are never summed across coders: two
  coders' independent codes of one article are two observations, not one with twice the codes.

The adjudicated (gold) layer is a coder like any other here: by default its codes are written
beside everyone's under its name, and `--gold` (or `--coder` with its name) exports it alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from annotator.core.common.model import Coder
from annotator.core.common.protocols import ProjectLike
from annotator.core.interchange.files import CODERS

_CODED = ("SELECT document_id, coder_id FROM annotations UNION SELECT document_id, coder_id FROM variable_values "
          "UNION SELECT document_id, coder_id FROM coded_documents")


@dataclass(frozen=True)
class CoderScope:
    coders: tuple[Coder, ...]  # whose codes are exported, in the order they joined the project
    chosen: bool  # one coder was asked for by name: the others' codes are left out

    @property
    def split(self) -> bool:
        """Whether rows are told apart by coder (several coders' codes in one file)."""
        return len(self.coders) > 1

    @property
    def only(self) -> Coder | None:
        """The one coder whose codes the export holds, when it is one coder's view."""
        return self.coders[0] if len(self.coders) == 1 else None

    def where(self, alias: str = "a") -> str:
        """An SQL condition (starting AND) keeping the chosen coders' rows of `alias`; empty when none is chosen."""
        return f" AND {alias}.coder_id IN ({', '.join(str(int(c.id)) for c in self.coders)})" if self.chosen else ""

    def coder_ids(self) -> set[int]:
        return {coder.id for coder in self.coders}


def coder_scope(project: ProjectLike, coder: str | None = None) -> CoderScope:
    """The coders an export of `project` holds: `coder` (a ProjectError lists the coders if none has that
    name), else those export() keeps it to (files.CODERS: --coder, --gold), else everyone who has coded."""
    if coder is not None:
        return CoderScope((project.coders.named(coder),), chosen=True)
    kept_to = CODERS.get()
    if kept_to is not None:
        return CoderScope(tuple(project.coders.get(coder_id) for coder_id in kept_to), chosen=True)
    coded = {coder_id for (coder_id,) in project.store.conn.execute(
        f"SELECT DISTINCT coder_id FROM ({_CODED}) AS coded")}
    return CoderScope(tuple(c for c in sorted(project.coders.list(include_gold=True), key=lambda c: c.id)
                            if c.id in coded), chosen=False)


def coded_by(project: ProjectLike, scope: CoderScope) -> dict[int, list[Coder]]:
    """Document id -> the scope's coders who have coded it, in the scope's order; documents nobody coded are absent."""
    by_id = {coder.id: n for n, coder in enumerate(scope.coders)}
    found: dict[int, list[Coder]] = {}
    for doc_id, coder_id in project.store.conn.execute(f"SELECT document_id, coder_id FROM ({_CODED}) AS coded"):
        if coder_id in by_id:
            found.setdefault(doc_id, []).append(scope.coders[by_id[coder_id]])
    for coders in found.values():
        coders.sort(key=lambda coder: by_id[coder.id])
    return found


def document_rows(project: ProjectLike, scope: CoderScope,
                  documents: Iterator[tuple]) -> Iterator[tuple[tuple, Coder | None]]:
    """(document row, coder) for each row a document table writes: one per document, with the only coder
    (or None), when the scope is one coder's; else one per coder who coded it, or one with None."""
    if not scope.split:
        coder = scope.only
        yield from ((row, coder) for row in documents)
        return
    coded = coded_by(project, scope)
    for row in documents:
        for coder in coded.get(row[0]) or [None]:
            yield row, coder
