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
from dataclasses import dataclass, field
from pathlib import PurePath

from ..decoding import MAX_TEXT_BYTES, too_large_reason
from ..documents import utf8_length
from ..errors import ImportRefused
from ..formats import suffixes

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".text")
# What a folder import picks up; a file the user names is read whatever its name.
IMPORTABLE_SUFFIXES = suffixes("article")

_BOM = b"\xef\xbb\xbf"
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
# C0 controls other than tab and newline come from PDF and Word internals, never from the article.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
# Chinese and Japanese are written without spaces; two of their characters count as a word.
_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,2}|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Extracted:
    """What a reader found: the text to store, a title if the file states one, and metadata."""

    text: str
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    # Things the analyst should look at although the file was read ("body looks like a stub ...").
    notes: tuple[str, ...] = ()


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


def clean_text(text: str) -> str:
    """Tidy text that a reader assembled: no stray controls, trailing spaces or runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def stub_note(words: int) -> str:
    return f"body looks like a stub ({words} {'word' if words == 1 else 'words'}): check it"


def one_line(value: object) -> str:
    """A title or metadata value on one line, as the source gave it but without layout whitespace."""
    return " ".join(str(value).split()) if value is not None else ""


def _reader(kind: str):
    # Imported on use: the HTML extractor alone takes a third of a second to load.
    if kind == "pdf":
        from .pdf import read_pdf as reader
    elif kind == "docx":
        from .docx import read_docx as reader
    elif kind == "html":
        from .html import read_html as reader
    elif kind == "markdown":
        from .markdown import read_markdown as reader
    else:
        from .plain import read_plain as reader
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
