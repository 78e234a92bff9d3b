"""The spans agreement is computed over: one coder's mark on one document, in code points."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import NamedTuple


class Span(NamedTuple):
    """A tuple, so a thousand documents' spans hash, sort and compare at C speed."""

    document: Hashable
    start: int
    end: int
    label: str


def in_documents(spans: Iterable[Span], documents: Mapping[Hashable, int]) -> list[Span]:
    """The spans on the compared documents, each checked to lie within its document.

    Spans of other documents are left out (a caller may pass a coder's every span and
    the documents compared); an empty span has no extent to agree on and is left out too.
    """
    kept = []
    for span in spans:
        length = documents.get(span.document)
        if length is None:
            continue
        if not 0 <= span.start <= span.end <= length:
            raise ValueError(f"span {span.start}-{span.end} ({span.label}) lies outside document "
                             f"{span.document!r} of {length} characters")
        if span.end > span.start:
            kept.append(span)
    return kept
