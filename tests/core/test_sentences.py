"""Where sentences begin, in English and Korean news text (corpus/sentences.py)."""

from __future__ import annotations

from annotator.core.corpus.sentences import has_break, sentence_starts


def _sentences(text: str) -> list[str]:
    starts = sentence_starts(text)
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)])]


def test_english_sentences_end_at_a_stop_before_a_space_but_not_after_a_title_or_an_initial():
    text = ('Mr. Kim met U.S. officials, e.g. Dr. Lee of Walmart Inc. in Bentonville. "Why?" he asked! '
            'Prices rose 3.5%.')
    assert _sentences(text) == ["Mr. Kim met U.S. officials, e.g. Dr. Lee of Walmart Inc. in Bentonville.",
                                '"Why?" he asked!', "Prices rose 3.5%."]


def test_korean_sentences_end_at_a_period_or_a_full_stop_and_every_line_break_ends_one():
    text = "삼성전자는 아마존을 만났다. 그러나 김 씨는 떠났다。월마트 없이\n\n제목 없는 단락\n다음 줄."
    assert _sentences(text) == ["삼성전자는 아마존을 만났다.", "그러나 김 씨는 떠났다。", "월마트 없이", "제목 없는 단락",
                                "다음 줄."]


def test_a_break_between_two_offsets_is_a_sentence_beginning_after_the_first_and_by_the_second():
    text = "Walmart cut prices. Amazon did not."
    amazon = text.index("Amazon")
    assert has_break(text, 0, amazon)  # code-point offsets, as the mentions' starts
    assert not has_break(text, 0, text.index("prices"))
    assert not has_break(text, amazon, len(text) - 1)  # the final stop has no space after it yet
    assert has_break("만났다. 그러나", 0, 5)


def test_a_stop_before_a_lower_case_word_ends_no_sentence_even_when_the_word_is_a_mention():
    text = '"Why?" eBay asked. Amazon'
    assert not has_break(text, 0, text.index("eBay"))
    assert has_break(text, 0, text.index("Amazon"))
