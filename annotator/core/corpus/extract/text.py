"""What every reader hands back (Extracted), and the small text tidying they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
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
