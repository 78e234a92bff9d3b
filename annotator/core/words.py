"""Word boundaries for snapping a selection outward to whole words.

A word is a run of letters, digits and combining marks, so Hangul, Latin and
accented text all snap alike. Korean attaches particles to nouns (월마트가,
아마존의); snapping keeps a particle out when the selection stopped before it,
so selecting 월마트 inside 월마트가 tags 월마트, not 월마트가.
"""

from __future__ import annotations

import unicodedata

# Common case and postpositional particles, longest first so 에서 wins over 서.
_PARTICLES = sorted(
    "이 가 은 는 을 를 의 에 에서 에게 께서 와 과 도 로 으로 만 까지 부터 처럼 보다 라고 이라고 한테 하고 이나 나 이며 며 과의 와의 에는 에서는 으로는 로는".split(),
    key=len,
    reverse=True,
)


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _in_word(text: str, i: int) -> bool:
    """Whether text[i] belongs to a word. A combining mark belongs to its base
    character's word, so the variation selector of an emoji (❤️) does not make
    the emoji part of the word after it."""
    if text[i].isalnum():
        return True
    if not _is_mark(text[i]):
        return False
    while i > 0 and _is_mark(text[i - 1]):
        i -= 1
    return i > 0 and text[i - 1].isalnum()


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole words, after trimming white space at its edges.

    Returns the span unchanged when it holds nothing but white space.
    """
    start, end = max(0, start), min(len(text), end)
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s == e:
        return start, end
    if _in_word(text, s):
        while s > 0 and _in_word(text, s - 1):
            s -= 1
    if _in_word(text, e - 1):
        word_end = e
        while word_end < len(text) and _in_word(text, word_end):
            word_end += 1
        e = _before_particle(text, s, e, word_end)
    # Never split a character from its combining marks or variation selector.
    while s > 0 and _is_mark(text[s]):
        s -= 1
    while e < len(text) and _is_mark(text[e]):
        e += 1
    return s, e


def _before_particle(text: str, start: int, end: int, word_end: int) -> int:
    """Where a Hangul word's stem ends, if the selection stopped at or before its particle."""
    if word_end == end or not _is_hangul(text[word_end - 1]):
        return word_end
    word_start = start
    while word_start > 0 and _in_word(text, word_start - 1):
        word_start -= 1
    word = text[word_start:word_end]
    for particle in _PARTICLES:
        stem_len = len(word) - len(particle)
        if word.endswith(particle) and stem_len >= 2:
            stem_end = word_start + stem_len
            if end <= stem_end:
                return stem_end
            break
    return word_end
