"""Where one sentence ends and the next begins, in English and Korean news text alike.

A sentence ends at . ! ? (several, and closing quotes or brackets after them) followed by
white space, at the CJK full stops 。！？ (which need no space after them), and at every
line break: news text gives a paragraph, a heading or a caption a line of its own, and a
Korean sentence ends with its verb's ending and a period (…했다. 그는) as an English one
does. A period after a title (Mr., Dr.), a company form (Inc., Co.) or a single letter
(U.S., J. Smith, e.g.) ends nothing, and neither does a stop before a lower-case word
("Why?" he asked). Offsets are code points, as everywhere in the core.
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?]+[\"'”’»)\]」』]*(?=\s)|[。！？]+[\"'”’»)\]」』]*|[\n\r\v\f\x85\u2028\u2029]")
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")
_LOWER_NEXT = re.compile(r"\s*[a-z]")
# Lower case; a period after one of these, or after any single letter, is no sentence's end.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen gov sen rep lt col sgt capt cmdr adm rev hon vs no inc corp co ltd".split())
_LOOK_BACK = 12  # longest abbreviation, with room


def has_break(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a sentence begins after `start` and at or before `end` in text: whether a mention
    starting at `start` and one starting at `end` lie in different sentences. Whether a stop
    before `end` is followed by a lower-case word is read past `end`, as far as text goes."""
    end = len(text) if end is None else end
    for found in _END.finditer(text, start, end):
        if not _no_end(text, found, start):
            return True
    return False


def sentence_starts(text: str) -> list[int]:
    """The offsets at which the sentences of `text` begin (0 first), for reading a text's split."""
    starts = [0]
    for found in _END.finditer(text):
        if _no_end(text, found, 0):
            continue
        at = found.end()
        while at < len(text) and text[at].isspace():
            at += 1
        if at < len(text) and at > starts[-1]:
            starts.append(at)
    return starts


def _no_end(text: str, found: re.Match, start: int) -> bool:
    """Whether a stop found in text[start:end] ends no sentence: an abbreviation's, or one before a lower-case word."""
    if found.group()[0] in ".!?" and _LOWER_NEXT.match(text, found.end()):
        return True
    if found.group() != ".":
        return False
    word = _WORD_BEFORE.search(text, max(start, found.start() - _LOOK_BACK), found.start())
    if word is None:
        return False
    return (len(word.group()) == 1 and word.group().isascii()) or word.group().casefold() in ABBREVIATIONS
