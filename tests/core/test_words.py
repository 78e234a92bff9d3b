"""Snapping a selection outward to whole words, in English and Korean."""

from __future__ import annotations

import pytest

from annotator.core.coding.words import snap_to_words


def snapped(text: str, selected: str, nth: int = 0) -> str:
    """Select the nth occurrence of `selected` in `text` and return what snapping keeps."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(selected, start + 1)
    s, e = snap_to_words(text, start, start + len(selected))
    assert 0 <= s <= e <= len(text)
    return text[s:e]


# -- English ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selected, expected",
    [
        ("Amaz", "Amazon"),
        ("mazo", "Amazon"),
        ("zon", "Amazon"),
        ("Amazon", "Amazon"),
        ("on sue", "Amazon sued"),
        ("n sued Wal", "Amazon sued Walmart"),
    ],
)
def test_partial_english_words_grow_to_whole_words(selected, expected):
    assert snapped("Amazon sued Walmart yesterday.", selected) == expected


@pytest.mark.parametrize("apostrophe", ["’", "'"])
def test_apostrophe_stops_the_word(apostrophe):
    text = f"Amazon{apostrophe}s cloud"
    assert snapped(text, "Amaz") == "Amazon"
    assert snapped(text, "mazon") == "Amazon"


def test_punctuation_stops_the_word():
    text = "(Walmart), \"Amazon\"; AWS."
    assert snapped(text, "alma") == "Walmart"
    assert snapped(text, "mazo") == "Amazon"
    assert snapped(text, "AW") == "AWS"


def test_punctuation_selected_on_purpose_is_kept():
    text = "He said: \"We are done.\" Then left."
    assert snapped(text, "\"We are done.\"") == "\"We are done.\""
    assert snapped(text, "e are done.") == "We are done."


def test_surrounding_spaces_are_trimmed():
    text = "Amazon sued Walmart yesterday."
    assert snapped(text, " sued ") == "sued"
    assert snapped(text, " sued Walmart ") == "sued Walmart"
    text2 = "Amazon\n\tsued"
    assert snapped(text2, "\n\tsu") == "sued"


def test_whitespace_only_selection_is_unchanged():
    text = "Amazon   sued"
    assert snap_to_words(text, 7, 8) == (7, 8)
    assert snap_to_words(text, 6, 9) == (6, 9)


def test_span_is_clamped_to_the_text():
    text = "Amazon sued"
    assert snap_to_words(text, -3, 3) == (0, 6)
    assert snap_to_words(text, 8, 99) == (7, 11)


def test_digits_are_part_of_words():
    assert snapped("Revenue rose 12.5% to $3bn.", "2.5") == "12.5"
    assert snapped("Revenue rose 12.5% to $3bn.", "1") == "12"  # the decimal point stops it
    assert snapped("Revenue rose 12.5% to $3bn.", "3b") == "3bn"


# -- Korean --------------------------------------------------------------------------------


def test_korean_partial_word_grows():
    text = "대통령은 삼성전자를 방문했다."
    assert snapped(text, "통") == "대통령"
    assert snapped(text, "성전") == "삼성전자"
    assert snapped(text, "방문") == "방문했다"


@pytest.mark.parametrize("selected", ["월마트", "월마", "마트", "마"])
def test_korean_particle_stays_out_when_the_selection_stopped_before_it(selected):
    assert snapped("월마트가 아마존과 경쟁한다.", selected) == "월마트"


def test_korean_whole_word_leaves_its_particle_out():
    # Issue 11: double-clicking or dragging over 월마트가 tagged the particle too.
    assert snapped("월마트가 아마존과 경쟁한다.", "월마트가") == "월마트"
    assert snapped("월마트가 아마존과 경쟁한다.", "마트가") == "월마트"
    assert snapped("월마트가 아마존과 경쟁한다.", "트가 아마존과") == "월마트가 아마존"


def test_korean_longer_particles():
    text = "아마존에서는 반대했고 월마트에게 물었다."
    assert snapped(text, "아마") == "아마존"
    assert snapped(text, "월마") == "월마트"


def test_korean_word_next_to_english_and_punctuation():
    text = "AWS는 (아마존의) 서비스다."
    assert snapped(text, "마존") == "아마존"
    assert snapped(text, "아마존의") == "아마존"


def test_particle_after_a_latin_name_stays_out():
    """Korean news attaches particles to Latin names too: AWS는, MS가, Amazon의."""
    text = "AWS는 MS가 Amazon의 경쟁자라고 본다."
    assert snapped(text, "AW") == "AWS"
    assert snapped(text, "AWS") == "AWS"
    assert snapped(text, "MS") == "MS"
    assert snapped(text, "maz") == "Amazon"
    assert snapped(text, "AWS는") == "AWS"
    assert snapped(text, "Amazon의") == "Amazon"
    assert snapped(text, "경쟁자") == "경쟁자"  # 라고 quotes: it stays out


# -- emoji and combining marks ----------------------------------------------------------------


def test_combining_marks_stay_inside_the_word():
    text = "The cafe\u0301 owners met."
    assert snapped(text, "caf") == "cafe\u0301"
    assert snapped(text, "cafe") == "cafe\u0301"  # the accent is not cut off
    assert snapped(text, "\u0301") == "cafe\u0301"
    assert snapped("Cre\u0300me bru\u0302le\u0301e", "me bru") == "Cre\u0300me bru\u0302le\u0301e"


def test_emoji_do_not_shift_word_boundaries():
    text = "🚀👩‍👩‍👧 Rocket launch 🇰🇷 Seoul"
    assert snapped(text, "ock") == "Rocket"
    assert snapped(text, "eou") == "Seoul"


def test_selected_emoji_stays_selected():
    text = "Fans 🚀 cheered ❤️ loudly"
    assert snapped(text, "🚀") == "🚀"
    assert snapped(text, "❤️") == "❤️"
    assert snapped(text, "❤") == "❤️"  # the variation selector comes along
    assert snapped(text, "ns 🚀 ch") == "Fans 🚀 cheered"


def test_emoji_with_variation_selector_does_not_swallow_the_next_word():
    assert snapped("❤️Seoul and Busan", "❤️") == "❤️"
    assert snapped("❤️Seoul and Busan", "eou") == "Seoul"
    assert snapped("I ❤️NY", "❤️") == "❤️"


def test_emoji_inside_a_korean_phrase():
    text = "월마트가🚀 아마존을"
    assert snapped(text, "월마") == "월마트"
    assert snapped(text, "마존") == "아마존"


# -- stepping a span's boundaries with the keyboard ------------------------------------------

from annotator.core.coding.words import step_span  # noqa: E402


def stepped(text: str, selected: str, *steps: str, by_word: bool = False) -> str:
    """Start from `selected`, apply each step, and return the text the span then covers."""
    start = text.index(selected)
    span = (start, start + len(selected))
    for step in steps:
        span = step_span(text, *span, step, by_word=by_word)
        assert 0 <= span[0] < span[1] <= len(text)
    return text[span[0]:span[1]]


SENTENCE = "Amazon sued Walmart, yesterday."


def test_character_steps_extend_and_shrink_one_edge_each():
    assert stepped(SENTENCE, "sued", "extend_end") == "sued "
    assert stepped(SENTENCE, "sued", "extend_start") == " sued"
    assert stepped(SENTENCE, "sued", "shrink_start") == "ued"
    assert stepped(SENTENCE, "sued", "shrink_end") == "sue"
    assert stepped(SENTENCE, "sued", "extend_end", "extend_end", "shrink_end") == "sued "


def test_word_steps_take_whole_words_and_skip_punctuation():
    assert stepped(SENTENCE, "sued", "extend_end", by_word=True) == "sued Walmart"
    assert stepped(SENTENCE, "sued", "extend_end", "extend_end", by_word=True) == "sued Walmart, yesterday"
    assert stepped(SENTENCE, "sued", "extend_start", by_word=True) == "Amazon sued"
    assert stepped(SENTENCE, "Amazon sued Walmart", "shrink_start", by_word=True) == "sued Walmart"
    assert stepped(SENTENCE, "Amazon sued Walmart", "shrink_end", by_word=True) == "Amazon sued"
    # Inside a word, a word step first completes that word.
    assert stepped(SENTENCE, "Walm", "extend_end", by_word=True) == "Walmart"
    assert stepped(SENTENCE, "lmart", "extend_start", by_word=True) == "Walmart"


def test_korean_word_steps():
    text = "월마트가 아마존을 고소했다."
    # A word step takes the particle along with the next word, and lands before that word's particle.
    assert stepped(text, "월마트", "extend_end", by_word=True) == "월마트가 아마존"
    assert stepped(text, "월마트", "extend_end", "extend_end", by_word=True) == "월마트가 아마존을 고소했다"
    assert stepped(text, "월마트가", "extend_end", by_word=True) == "월마트가 아마존"
    assert stepped(text, "월마트가 아마존을", "shrink_start", by_word=True) == "아마존을"
    assert stepped(text, "월마트가 아마존을", "shrink_end", by_word=True) == "월마트가 아마존"
    assert stepped(text, "월마트가 아마존", "shrink_end", by_word=True) == "월마트"
    assert stepped(text, "월마트가", "shrink_end", by_word=True) == "월마트"


def test_korean_word_steps_stop_before_quotative_endings():
    text = "앱을 올려 왔다고 말했다. 변화가 될 것이라는 예측이다."
    assert stepped(text, "앱을 올려", "extend_end", by_word=True) == "앱을 올려 왔다"
    assert stepped(text, "변화가 될", "extend_end", by_word=True) == "변화가 될 것"
    assert stepped(text, "변화가 될 것이라는 예측", "shrink_end", by_word=True) == "변화가 될 것"


def test_a_step_that_cannot_move_leaves_the_span_as_it_was():
    assert stepped(SENTENCE, "Amazon", "extend_start") == "Amazon"  # start of the text
    assert stepped(SENTENCE, "yesterday.", "extend_end", by_word=True) == "yesterday."  # end of the text
    assert stepped(SENTENCE, "s", "shrink_start") == "s"  # would leave nothing
    assert stepped(SENTENCE, "s", "shrink_end") == "s"
    assert stepped(SENTENCE, "Walmart", "shrink_start", by_word=True) == "Walmart"  # one word left
    assert stepped(SENTENCE, "Walmart", "shrink_end", by_word=True) == "Walmart"


def test_character_steps_never_split_a_visible_character():
    accented = "Cafe\u0301 de Flore"  # é as e + combining acute
    assert stepped(accented, "Caf", "extend_end") == "Cafe\u0301"
    assert stepped(accented, "Cafe\u0301", "shrink_end") == "Caf"
    family = "Hi 👩‍👩‍👧 there"
    assert stepped(family, "Hi ", "extend_end") == "Hi 👩‍👩‍👧"
    assert stepped(family, " there", "extend_start") == "👩‍👩‍👧 there"
    rocket = "Go 🚀 now"
    assert stepped(rocket, "Go ", "extend_end") == "Go 🚀"


def test_unknown_step_is_refused():
    with pytest.raises(ValueError):
        step_span(SENTENCE, 0, 6, "grow")
