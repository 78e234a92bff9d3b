"""Korean particles and quotative endings stay out of every snapped span (issue 11).

The sentences are from the seed article about 월마트 and 아마존 (seeds/003_…),
plus common news words that only look like a stem and a particle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.coding.particles import ENDINGS, stem_length
from annotator.core.coding.words import snap_to_words

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "003_2a220dc7044359e3.txt").read_text(encoding="utf-8")


def snapped(text: str, selected: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = text.index(selected, start + 1)
    s, e = snap_to_words(text, start, start + len(selected))
    return text[s:e]


@pytest.mark.parametrize("word, stem", [
    ("월마트가", "월마트"), ("월마트는", "월마트"), ("월마트의", "월마트"), ("월마트에", "월마트"),
    ("아마존의", "아마존"), ("아마존이", "아마존"), ("아마존은", "아마존"), ("아마존웹서비스", "아마존웹서비스"),
    ("홀푸드를", "홀푸드"), ("서비스를", "서비스"), ("클라우드에", "클라우드"), ("클라우드는", "클라우드"),
    ("경쟁사들은", "경쟁사들"), ("IT협력사들을", "IT협력사들"), ("협력업체들에", "협력업체들"), ("월마트와의", "월마트"),
    ("플랫폼에", "플랫폼"), ("인터뷰에서", "인터뷰"), ("서버에서", "서버"), ("WSJ은", "WSJ"), ("WSJ과", "WSJ"),
    ("파이낸셜타임스", "파이낸셜타임스"), ("베조스", "베조스"), ("신호탄이", "신호탄"), ("비중도", "비중도"),
    ("인터넷을", "인터넷"), ("유통업까지", "유통업"), ("스트리밍에서", "스트리밍"), ("정부", "정부"),
])
def test_a_whole_word_from_the_seed_article_snaps_to_its_stem(word, stem):
    assert snapped(SEED, word) == stem


@pytest.mark.parametrize("selected, expected", [
    # The cases: the selection stopped before 고 and before 이라는.
    ("이러한 앱을 아마존의 클라우드에 올려 왔다", "이러한 앱을 아마존의 클라우드에 올려 왔다"),
    ("안 될 것", "안 될 것"),
    ("신호탄이 될 것", "신호탄이 될 것"),
    # A whole quoted sentence loses its quotative ending.
    ("클라우드에 올려 왔다고", "클라우드에 올려 왔다"),
    ("외압을 행사했다는", "외압을 행사했다"),
    ("신호탄이 될 것이라는", "신호탄이 될 것"),
    ("거듭 강조했다고", "거듭 강조했다"),
    # A sentence that ends with its own verb keeps it.
    ("옮겨갈 것을 압박하는 등 몽니를 부리고 나선 것이다", "옮겨갈 것을 압박하는 등 몽니를 부리고 나선 것이다"),
    ("서비스다", "서비스다"),
])
def test_claims_from_the_seed_article_end_before_the_quotative(selected, expected):
    assert snapped(SEED, selected) == expected


@pytest.mark.parametrize("selected", ["월마", "월마트", "월마트가", "마트가", "트", "가"])
def test_any_selection_in_walmart_with_its_particle_snaps_to_walmart(selected):
    start = SEED.index("월마트가 최근") + "월마트가".index(selected)  # 오프라인 유통공룡 월마트가 최근 ...
    s, e = snap_to_words(SEED, start, start + len(selected))
    assert SEED[s:e] == "월마트"


@pytest.mark.parametrize("word", [
    # nouns whose last syllable looks like a particle
    "주가", "유가", "고유가", "회의", "합의", "결과", "정도", "국가", "나라", "인프라", "민주주의", "고양이",
    "차이", "사이", "최고", "사고", "보고", "저가", "휴가", "오키나와", "카이로",
    # verbs and adjectives: their endings are not particles
    "있는", "없는", "하는", "이용하는", "끊임없이", "많이", "같은", "했다", "것이다", "나섰다",
    # particles that too often end a noun are not stripped from a whole word
    "불만", "백만", "고민도",
])
def test_words_that_only_look_like_stem_and_particle_stay_whole(word):
    assert stem_length(word) == len(word)
    assert snapped(f"그는 {word} 말했다.", word) == word


@pytest.mark.parametrize("word, stem", [
    ("주가가", "주가"), ("유가는", "유가"), ("합의를", "합의"), ("회의에서", "회의"), ("민주주의의", "민주주의"),
    ("나라는", "나라"), ("인프라를", "인프라"), ("고양이가", "고양이"), ("정상회의에서", "정상회의"),
    ("것이", "것"), ("것을", "것"), ("것으로", "것"), ("그는", "그"), ("그의", "그"), ("측과", "측"),
    ("이유가", "이유"), ("제주의", "제주"), ("서울에서는", "서울"), ("문제라고", "문제"), ("사실이라는", "사실"),
    ("말했다며", "말했다"), ("서울에서도", "서울"), ("그에게만", "그"), ("업체들과의", "업체들"), ("했다면서", "했다"), ("2017년에", "2017년"), ("MS가", "MS"), ("Amazon의", "Amazon"),
])
def test_the_stem_keeps_at_least_one_syllable_and_nouns_keep_their_own_syllables(word, stem):
    assert word[:stem_length(word)] == stem


@pytest.mark.parametrize("text, selected, expected", [
    ("그는 고민도 했다.", "고민", "고민"),  # 도 is respected when the selection stopped before it
    ("불만이 크다.", "불", "불만"),  # one syllable: grows to the noun, 만 is not cut off it
    ("주가가 올랐다.", "주", "주가"),
    ("국제유가가 올랐다.", "국제유", "국제유가"),
    ("나라는 작다.", "나", "나라"),
    ("것이라는 예측", "것이", "것이"),  # stopped before 라는: it stays out
])
def test_a_selection_cut_short_grows_to_the_nearest_stem_end(text, selected, expected):
    assert snapped(text, selected) == expected


def test_endings_are_listed_longest_first_so_a_longer_one_wins():
    lengths = [len(ending) for ending in ENDINGS]
    assert lengths == sorted(lengths, reverse=True)
    assert {"이", "가", "이라는", "라고", "고", "에서"} <= set(ENDINGS)
