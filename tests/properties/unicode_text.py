"""Strategies for the text analysts actually code: news in many scripts, with emoji.

Each piece is a unit that trips up offset arithmetic somewhere: characters
outside the BMP (two UTF-16 units), emoji joined by ZWJ into one visible glyph,
letters with combining marks, Hangul as syllables and as conjoining jamo,
right-to-left script with direction marks, and astral CJK ideographs.
"""

from __future__ import annotations

from hypothesis import strategies as st

ZWJ = "\u200d"
VS16 = "\ufe0f"


def _chars(low: int, high: int) -> st.SearchStrategy[str]:
    return st.characters(min_codepoint=low, max_codepoint=high, exclude_categories=("Cs",))


ascii_words = st.text(st.sampled_from("abcdefghij ABC.,;:!?'\"-0123456789\t"), min_size=1, max_size=8)
emoji = _chars(0x1F300, 0x1FAFF)
skin_tone = _chars(0x1F3FB, 0x1F3FF)
# 👩‍👩‍👧, 🏳️‍🌈 and made-up joins alike: one glyph on screen, several code points in the text.
zwj_sequence = st.lists(st.tuples(emoji, st.sampled_from(["", VS16]), st.one_of(st.just(""), skin_tone)),
                        min_size=2, max_size=4).map(lambda parts: ZWJ.join("".join(p) for p in parts))
flag = st.tuples(_chars(0x1F1E6, 0x1F1FF), _chars(0x1F1E6, 0x1F1FF)).map("".join)
combining = st.tuples(st.sampled_from("aeiouncAEZ"), st.lists(_chars(0x0300, 0x036F), min_size=1, max_size=3)
                      ).map(lambda t: t[0] + "".join(t[1]))
hangul_syllables = st.text(_chars(0xAC00, 0xD7A3), min_size=1, max_size=6)
# Conjoining jamo: a leading consonant, a vowel and sometimes a trailing one make one syllable on screen.
hangul_jamo = st.tuples(_chars(0x1100, 0x1112), _chars(0x1161, 0x1175),
                        st.one_of(st.just(""), _chars(0x11A8, 0x11C2))).map("".join)
hebrew = st.text(_chars(0x05D0, 0x05EA), min_size=1, max_size=6)
arabic = st.text(_chars(0x0621, 0x064A), min_size=1, max_size=6)
direction_marks = st.sampled_from(["\u200e", "\u200f", "\u202b", "\u202c", "\u2066", "\u2069", "\u061c"])
astral_cjk = st.text(_chars(0x20000, 0x2A6DF), min_size=1, max_size=3)
line_break = st.just("\n")

PIECES = st.one_of(ascii_words, emoji, zwj_sequence, flag, combining, hangul_syllables, hangul_jamo, hebrew,
                   arabic, direction_marks, astral_cjk, line_break)

# Qt reads "\r\n" as one paragraph break, and import turns every line ending into
# "\n" before a text is stored, so stored text (and these strategies) hold no "\r".
any_character = st.characters(exclude_categories=("Cs",), exclude_characters="\r")


def news_text(min_size: int = 1, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text mixing every tricky piece above with arbitrary non-surrogate characters."""
    piece = st.one_of(PIECES, any_character)
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join).filter(bool)


def words(max_size: int = 6) -> st.SearchStrategy[str]:
    """What an analyst types into a note, a name or a target: any script, sometimes blank."""
    return st.lists(st.one_of(PIECES, any_character, st.just(" ")), max_size=max_size).map("".join)
