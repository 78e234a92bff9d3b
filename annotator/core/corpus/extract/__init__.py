"""Turn a file's bytes into article text, a title and metadata, whatever shape the article came in.

Saved web pages, Word files, PDFs, Markdown and plain text each have a reader
here. The reader is chosen by what the bytes are first and by the file name
second: analysts rename files, and a PDF saved as "article.txt" is still a PDF.
Every reader either returns the whole text or raises ImportRefused with one
line saying what was wrong and what to do; none of them runs scripts, fetches
anything or writes a file.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, too_large_reason
from annotator.core.corpus.documents import utf8_length
from annotator.core.corpus.extract.text import Extracted, one_line
from annotator.core.corpus.import_formats import suffixes

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".text")
# What a folder import picks up; a file the user names is read whatever its name.
IMPORTABLE_SUFFIXES = suffixes("article")

_BOM = b"\xef\xbb\xbf"
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
# C0 controls other than tab and newline come from PDF and Word internals, never from the article.
# Chinese and Japanese are written without spaces; two of their characters count as a word.


def extract(path: str | os.PathLike, data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    """Read one file's bytes; raise ImportRefused with the reason when it cannot become a document."""
    if len(data) > max_bytes:
        raise ImportRefused(too_large_reason(len(data), max_bytes))
    kind = kind_of(PurePath(path).name, data)
    reader = _reader(kind)
    if kind != "plain":
        data = bytes(data)  # the import reads into a bytearray; the parsers want bytes
    try:
        found = reader(data, max_bytes=max_bytes)
    except ImportRefused:
        raise
    except (MemoryError, RecursionError):
        raise ImportRefused(f"this {_NAMES[kind]} is too large or too deeply nested to read; "
                            "save the article as plain text and import that") from None
    except Exception as exc:  # noqa: BLE001 - a hostile file can make any parser raise anything
        raise ImportRefused(f"cannot read this {_NAMES[kind]} ({_short(exc)}); it may be damaged: "
                            "open it and save it again, or save the article as plain text") from None
    size = utf8_length(found.text)
    if size > max_bytes:
        raise ImportRefused(too_large_reason(size, max_bytes))
    return found


def kind_of(name: str, data: bytes) -> str:
    """'pdf', 'docx', 'html', 'markdown' or 'plain': by the bytes' signature, then by the name."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF-") or suffix == ".pdf":
        return "pdf"
    if suffix == ".docx" or (data.startswith(b"PK\x03\x04") and _is_word_package(data)):
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if _HTML_START.match(data[:4096 + len(_BOM)].removeprefix(_BOM)[:4096]):
        return "html"
    return "plain"


def _reader(kind: str):
    # Imported on use: the HTML extractor alone takes a third of a second to load.
    if kind == "pdf":
        from annotator.core.corpus.extract.pdf import read_pdf as reader
    elif kind == "docx":
        from annotator.core.corpus.extract.docx import read_docx as reader
    elif kind == "html":
        from annotator.core.corpus.extract.html import read_html as reader
    elif kind == "markdown":
        from annotator.core.corpus.extract.markdown import read_markdown as reader
    else:
        from annotator.core.corpus.extract.plain import read_plain as reader
    return reader


_NAMES = {"pdf": "PDF", "docx": "Word file", "html": "web page", "markdown": "Markdown file", "plain": "text file"}


def _is_word_package(data: bytes) -> bool:
    # Only the central directory is read, never a member: a zip bomb costs nothing here.
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _short(exc: BaseException) -> str:
    message = one_line(exc) or type(exc).__name__
    return message if len(message) <= 80 else message[:79] + "…"
