"""Word boundaries for snapping a selection outward to whole words, and for moving a span's ends by a word.

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


# -- stepping a span's boundaries (keyboard adjustment) ------------------------------------
# Offsets here are gaps between code points (0..len). A step never lands between a
# character and its combining marks, or inside an emoji joined with ZWJ, so a
# boundary moved by the keyboard never cuts a visible character in two.

_ZWJ = "\u200d"


def _is_cluster_gap(text: str, pos: int) -> bool:
    if pos <= 0 or pos >= len(text):
        return True
    return not (_is_mark(text[pos]) or text[pos] == _ZWJ or text[pos - 1] == _ZWJ)


def next_char(text: str, pos: int) -> int:
    """The gap after the character that follows pos (len(text) at the end)."""
    pos = min(pos + 1, len(text))
    while not _is_cluster_gap(text, pos):
        pos += 1
    return pos


def previous_char(text: str, pos: int) -> int:
    """The gap before the character that precedes pos (0 at the start)."""
    pos = max(pos - 1, 0)
    while not _is_cluster_gap(text, pos):
        pos -= 1
    return pos


def _word_start_at(text: str, pos: int) -> bool:
    return pos < len(text) and _in_word(text, pos) and (pos == 0 or not _in_word(text, pos - 1))


def _word_end_at(text: str, pos: int) -> bool:
    return pos > 0 and _in_word(text, pos - 1) and (pos == len(text) or not _in_word(text, pos))


def next_word_end(text: str, pos: int) -> int:
    """The end of the next word after pos: extends a span's end by one word."""
    pos += 1
    while pos < len(text) and not _word_end_at(text, pos):
        pos += 1
    return min(pos, len(text))


def previous_word_start(text: str, pos: int) -> int:
    """The start of the word before pos: extends a span's start by one word."""
    pos -= 1
    while pos > 0 and not _word_start_at(text, pos):
        pos -= 1
    return max(pos, 0)


def next_word_start(text: str, pos: int) -> int:
    """The start of the next word after pos (len(text) if none): shrinks a span from its start."""
    pos += 1
    while pos < len(text) and not _word_start_at(text, pos):
        pos += 1
    return min(pos, len(text))


def previous_word_end(text: str, pos: int) -> int:
    """The end of the word before pos (0 if none): shrinks a span from its end."""
    pos -= 1
    while pos > 0 and not _word_end_at(text, pos):
        pos -= 1
    return max(pos, 0)


SPAN_STEPS = ("extend_start", "extend_end", "shrink_start", "shrink_end")


def step_span(text: str, start: int, end: int, step: str, *, by_word: bool = False) -> tuple[int, int]:
    """Move one boundary of [start, end) by a character or a word.

    Extending moves the start left or the end right; shrinking moves the start
    right or the end left. Returns the span unchanged when the boundary cannot
    move: at the edge of the text, or when shrinking would leave nothing.
    """
    if step not in SPAN_STEPS:
        raise ValueError(f"unknown span step {step!r}")
    if step == "extend_start":
        new = previous_word_start(text, start) if by_word else previous_char(text, start)
        return (new, end) if new < start else (start, end)
    if step == "extend_end":
        new = next_word_end(text, end) if by_word else next_char(text, end)
        return (start, new) if new > end else (start, end)
    if step == "shrink_start":
        new = next_word_start(text, start) if by_word else next_char(text, start)
        return (new, end) if start < new < end else (start, end)
    new = previous_word_end(text, end) if by_word else previous_char(text, end)
    return (start, new) if start < new < end else (start, end)
