"""What Annotator imports, in one list: the file dialog's filter, the refusals and the CLI help all read it.

Kept apart from the readers so that listing the formats loads none of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # as the analyst calls it
    suffixes: tuple[str, ...]
    kind: str  # "article": one document per file; "corpus": one per row; "refi": a REFI-QDA file


FORMATS: tuple[Format, ...] = (
    Format("plain text", (".txt", ".text"), "article"),
    Format("Markdown", (".md", ".markdown"), "article"),
    Format("HTML", (".html", ".htm"), "article"),
    Format("DOCX", (".docx",), "article"),
    Format("PDF", (".pdf",), "article"),
    Format("CSV", (".csv",), "corpus"),
    Format("TSV", (".tsv",), "corpus"),
    Format("JSON Lines", (".jsonl", ".ndjson"), "corpus"),
    Format("REFI-QDA project", (".qdpx",), "refi"),
    Format("REFI-QDA codebook", (".qdc",), "refi"),
)


def suffixes(kind: str) -> tuple[str, ...]:
    return tuple(suffix for f in FORMATS if f.kind == kind for suffix in f.suffixes)


def names(kind: str | None = None) -> str:
    """"plain text, Markdown, HTML, DOCX or PDF": the formats of a kind (all when None), for a sentence."""
    chosen = [f.name for f in FORMATS if kind is None or f.kind == kind]
    return ", ".join(chosen[:-1]) + " or " + chosen[-1]


def file_dialog_filters() -> list[str]:
    """One filter per kind, then all files, as Qt's file dialog takes them."""
    def patterns(kind: str) -> str:
        return " ".join(f"*{suffix}" for suffix in suffixes(kind))

    return [f"Articles: {names('article')} ({patterns('article')})",
            f"Corpus files, one article per row: {names('corpus')} ({patterns('corpus')})",
            f"REFI-QDA projects and codebooks ({patterns('refi')})",
            "All files (*)"]
