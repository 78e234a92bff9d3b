"""Word boundaries for snapping a selection outward to whole words, and for moving a span's ends by a word.

A word is a run of letters, digits and combining marks, so Hangul, Latin and
accented text all snap alike. Korean glues particles and quotative endings to
the word before them (월마트가, 아마존의, 왔다고); particles.py says where the
stem ends, and every way of making a span stops there: a whole word snaps to
월마트, a selection that stopped before 가 or 고 never grows into it, and the
keyboard's word steps land on stems.
"""

from __future__ import annotations

import unicodedata

from annotator.core.coding.particles import NOUN_ENDINGS, ending_cuts, stem_length

# The particles a noun may carry, longest first; entity_text accepts a name followed by one of these.
_PARTICLES = list(NOUN_ENDINGS)


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

    The last word's particle or quotative ending stays out (월마트가 snaps to 월마트),
    and a selection that stopped right before one never grows into it.
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
        word_start, word_end = _word_around(text, e - 1)
        e = word_start + _stem_end(text[word_start:word_end], e - word_start)
    # Never split a character from its combining marks or variation selector.
    while s > 0 and _is_mark(text[s]):
        s -= 1
    while e < len(text) and _is_mark(text[e]):
        e += 1
    return s, e


def _word_around(text: str, i: int) -> tuple[int, int]:
    """The word that text[i] belongs to."""
    start, end = i, i + 1
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    return start, end


def _stem_end(word: str, end: int) -> int:
    """Where a selection ending `end` characters into `word` should end.

    A whole word loses its ending; one cut short grows to the nearest place a stem
    may end, so it stops before an ending the selection stopped before.
    """
    if end >= len(word):
        return stem_length(word)
    cuts = set(ending_cuts(word, safe=False))
    cuts.add(stem_length(word))
    return min((cut for cut in cuts if cut >= end), default=len(word))


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


def _stem_end_of(text: str, word_end: int) -> int:
    """Where the stem of the word ending at word_end ends (before its particle, if any)."""
    word_start = word_end - 1
    while word_start > 0 and _in_word(text, word_start - 1):
        word_start -= 1
    return word_start + stem_length(text[word_start:word_end])


def next_word_end(text: str, pos: int) -> int:
    """The end of the next word's stem after pos: extends a span's end by one word.

    A Korean particle is stepped over with the word after it, so 월마트 grows to
    월마트가 최근, never to 월마트가 alone.
    """
    word_end = pos
    while word_end < len(text):
        word_end += 1
        while word_end < len(text) and not _word_end_at(text, word_end):
            word_end += 1
        if _word_end_at(text, word_end) and _stem_end_of(text, word_end) > pos:
            return _stem_end_of(text, word_end)
    return len(text)


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
    """The end of the last word's stem before pos (0 if none): shrinks a span from its end.

    The particle goes with the word after it: 월마트가 최근 shrinks to 월마트.
    """
    word_end = pos
    if 0 < pos and _in_word(text, pos - 1):  # the span ends in or after a word: its stem may end earlier
        while word_end < len(text) and _in_word(text, word_end):
            word_end += 1
    while word_end > 0:
        if _word_end_at(text, word_end) and _stem_end_of(text, word_end) < pos:
            return _stem_end_of(text, word_end)
        word_end -= 1
    return 0


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
