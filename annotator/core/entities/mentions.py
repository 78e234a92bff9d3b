"""Finding an entity's names in running text, and the line of context around a span.

Names match case- and width-insensitively: text and names are compared folded
(NFKC, casefold, white space collapsed). Folding changes lengths ('ß' becomes
'ss', 'ﬁ' becomes 'fi', a run of spaces becomes one), so the text is folded one
character cluster at a time and every folded character remembers which stretch
of the original text it came from; a match reports offsets into the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from annotator.core.coding.particles import stem_length
from annotator.core.coding.words import _PARTICLES, is_word_char
from annotator.core.common.folding import fold, fold_piece

CONTEXT_WIDTH = 120
_PARTICLE_SET = frozenset(_PARTICLES)
# Scripts written without spaces between words: a name may sit flush against its neighbours.
_UNSPACED = ("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA",
             "THAI", "LAO", "KHMER", "MYANMAR")


def clean_name(name: str) -> str:
    return " ".join((name or "").split())


def name_in_span(text: str) -> str:
    """The entity name a tagged span proposes: its words, without a Korean particle after the last.

    An exact tag (Alt+key) may take 월마트가 whole; the entity it names is 월마트,
    and an entity named 월마트가 would never match the next 월마트 tagged.
    """
    name = clean_name(text)
    end = len(name)
    start = end
    while start > 0 and is_word_char(name[start - 1]):
        start -= 1
    return name[:start + stem_length(name[start:end])] if start < end else name


def distinct_names(names: Iterable[str]) -> list[str]:
    """Names in order, without empties or ones that fold equal to an earlier one."""
    seen: dict[str, str] = {}
    for name in names:
        if name and fold(name) not in seen:
            seen[fold(name)] = name
    return list(seen.values())


def _joins_previous(ch: str) -> bool:
    """Whether a character belongs to the cluster before it (so folding never splits the pair)."""
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch).startswith("M") or "\u1160" <= ch <= "\u11ff"


# Runs that fold one character to one character without help: ASCII (lower() is its
# casefold and NFKC leaves it alone), precomposed Hangul and single spaces between
# them; most of any news text.
_PLAIN_RUN = re.compile(r"(?:[!-~\uac00-\ud7a3]|(?<!\s) (?!\s))+")
_SPACE_RUN = re.compile(r"\s+")


def folded_with_origins(text: str) -> tuple[str, list[int], list[int]]:
    """The text folded cluster by cluster, and each folded character's original [start, end)."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    space_end = -1  # where the last folded space's stretch of white space ends
    i, n = 0, len(text)
    while i < n:
        plain = _PLAIN_RUN.match(text, i)
        if plain:
            j = plain.end()
            if j < n and _joins_previous(text[j]):
                j -= 1  # the last character takes a combining mark: fold it with the mark below
            if j > i:
                pieces.append(text[i:j].lower())
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                i = j
                continue
        spaces = _SPACE_RUN.match(text, i)
        j = spaces.end() if spaces else i
        if j < n and _joins_previous(text[j]):
            j -= 1  # as above: the last space and its mark fold as one cluster below
        if j > i:
            piece = " "
        else:
            j = i + 1
            while j < n and _joins_previous(text[j]):
                j += 1
            piece = fold_piece(text[i:j])
        if piece.isspace():
            if space_end == i:
                ends[-1] = j  # a run of white space folds to one space
            else:
                pieces.append(" ")
                starts.append(i)
                ends.append(j)
            space_end = j
        else:
            pieces.append(piece)
            starts.extend([i] * len(piece))
            ends.extend([j] * len(piece))
        i = j
    return "".join(pieces), starts, ends


def _unspaced(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(_UNSPACED)


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands as a word: no letter glued to either side.

    Scripts without spaces have no such boundary. A Korean noun may carry a
    particle (월마트가): the match is the noun, the particle is allowed after it.
    """
    if start > 0 and is_word_char(text[start - 1]):
        if not (_unspaced(text[start - 1]) or _unspaced(text[start])):
            return False
    if end < len(text) and is_word_char(text[end]):
        if _unspaced(text[end - 1]) or _unspaced(text[end]):
            return True
        if not _is_hangul(text[end - 1]):
            return False
        word_end = end
        while word_end < len(text) and is_word_char(text[word_end]):
            word_end += 1
        return text[end:word_end] in _PARTICLE_SET
    return True


def find_names(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Every whole-word occurrence of any of the (folded) names, as original-text spans.

    Where occurrences overlap, the longest wins ("Amazon Web Services" over "Amazon").
    """
    needles = sorted({name for name in names if name}, key=len, reverse=True)
    whole = fold(text)
    needles = [needle for needle in needles if needle in whole]  # most documents stop here
    if not needles:
        return []
    folded, starts, ends = folded_with_origins(text)
    found: list[tuple[int, int]] = []
    for needle in needles:
        at = folded.find(needle)
        while at >= 0:
            last = at + len(needle) - 1
            # A match must begin and end on whole clusters ('s' is not a match inside 'ß').
            clean_start = at == 0 or starts[at - 1] != starts[at]
            clean_end = last + 1 == len(folded) or starts[last + 1] != starts[last]
            if clean_start and clean_end:
                span = (starts[at], ends[last])
                if _whole_word(text, *span):
                    found.append(span)
            at = folded.find(needle, at + 1)
    found.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    kept: list[tuple[int, int]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def context_line(text: str, start: int | None, end: int | None, width: int = CONTEXT_WIDTH) -> str:
    """The line around a span, cut to about `width` characters with … where it was cut."""
    if start is None or end is None:
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    left, right = line_start, line_end
    if right - left > width:
        room = max(0, width - (end - start))
        left = max(line_start, start - room // 2)
        right = min(line_end, end + room - (start - left))
        left = max(line_start, min(left, right - width))  # give room unused on the right to the left
    snippet = " ".join(text[left:right].split())
    if left > line_start:
        snippet = "…" + snippet
    if right < line_end:
        snippet += "…"
    return snippet
