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

_CLOSERS = "[\"'”’»)\\]」』]"
# Lower case; a period after one of these, or after any single letter, is no sentence's end.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen gov sen rep lt col sgt capt cmdr adm rev hon vs no inc corp co ltd".split())


def _not_after_an_abbreviation() -> str:
    """Look-behinds from just after a period: one per length, as Python's have a fixed width.
    They follow the period rather than precede it, so the search only tries them at a period."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(ABBREVIATIONS):
        by_length.setdefault(len(word), []).append(word)
    return "".join(f"(?<!\\b(?i:{'|'.join(words)})\\.)" for _, words in sorted(by_length.items())) + \
        "(?<!\\b[A-Za-z]\\.)"


# A sentence's end, found by one search: a stop before white space that no lower-case word
# follows, a CJK full stop, or a line break. A lone period also must follow no abbreviation.
_BREAK = re.compile(
    f"(?:(?:[.!?]{{2,}}|[!?]){_CLOSERS}*|\\.{_CLOSERS}+|\\.{_not_after_an_abbreviation()})(?=\\s)(?!\\s+[a-z])"
    f"|[。！？]+{_CLOSERS}*|[\\n\\r\\v\\f\\x85\\u2028\\u2029]")


def has_break(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a sentence begins after `start` and at or before `end` in text: whether a mention
    starting at `start` and one starting at `end` lie in different sentences. What comes just
    before `start` (an abbreviation) and at `end` (a lower-case word) is read from text too."""
    end = len(text) if end is None else end
    found = _BREAK.search(text, start, end + 1)  # one past: the lower-case word may start at end
    return found is not None and found.start() < end


def sentence_starts(text: str) -> list[int]:
    """The offsets at which the sentences of `text` begin (0 first), for reading a text's split."""
    starts = [0]
    for found in _BREAK.finditer(text):
        at = found.end()
        while at < len(text) and text[at].isspace():
            at += 1
        if at < len(text) and at > starts[-1]:
            starts.append(at)
    return starts
