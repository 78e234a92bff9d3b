"""Where a Korean word's stem ends: the particles (조사) and quotative endings after it.

Korean writes a particle flush against its noun (월마트가, 아마존의) and a
quotative ending against a finished sentence (왔다고, 것이라는). A tag should
cover the noun or the sentence, not what grammar glued to it, so word snapping,
double-click and the keyboard's word steps all stop where this module says the
stem ends.

Korean spelling is ambiguous without a dictionary: 주가 is a stock price, not
주 + 가; 나라는 is 나라 + 는, not 나 + 라는. So the rules are conservative:

* Only listed endings are recognised, each with the sound it must follow
  (가/는/를/와/라고 after a vowel, 이/은/을/과/이라고 after a consonant, 로 after
  a vowel or ㄹ, the rest after either). A Latin or digit stem (AWS는, MS가) takes any.
* 고, 며 and 면서 count only after a finished sentence (…다/라/자/냐/까), so
  왔다고 loses 고 but 사고 and 최고 stay whole.
* The stem keeps at least one Hangul syllable; a one-syllable stem keeps a
  one-syllable particle only if it is a pronoun or bound noun (것이, 그는), so
  주가, 회의, 결과, 정도 stay whole.
* No cut right after a predicate's stem or tense (있는, 없이, 했을, 하는): those
  are verb endings, not particles.
* A few nouns that look like stem + particle (나라, 인프라, 고유가, 민주주의,
  고양이, 오키나와 ...) are never cut inside.
* 도, 만, 나, 이나, 랑, 라 and 라도 are too often part of a noun (정도, 불만,
  백만) to strip from a whole word on their own; they go only after a case
  particle (서울에서도) or when the analyst's selection stopped right before them.

Alt+key always tags the exact selection, for whatever these rules get wrong.
"""

from __future__ import annotations

from functools import lru_cache

_VOWEL, _CONSONANT, _ANY, _SENTENCE, _RO = "vowel", "consonant", "any", "sentence", "ro"

# ending: what its stem must end in, and whether a further particle may follow it (에서+는).
# Safe endings are stripped from a whole word; the others only when the selection stopped before them.
_SAFE: dict[str, tuple[str, bool]] = {
    "이": (_CONSONANT, False), "가": (_VOWEL, False),
    "은": (_CONSONANT, False), "는": (_VOWEL, False),
    "을": (_CONSONANT, False), "를": (_VOWEL, False),
    "과": (_CONSONANT, True), "와": (_VOWEL, True),
    "으로": (_CONSONANT, True), "로": (_RO, True),
    "으로서": (_CONSONANT, True), "로서": (_RO, True), "으로써": (_CONSONANT, True), "로써": (_RO, True),
    "의": (_ANY, False), "에": (_ANY, True), "에서": (_ANY, True), "에게": (_ANY, True),
    "에게서": (_ANY, True), "께": (_ANY, True), "께서": (_ANY, True), "한테": (_ANY, True),
    "까지": (_ANY, True), "부터": (_ANY, True), "처럼": (_ANY, True), "보다": (_ANY, True),
    "마다": (_ANY, False), "조차": (_ANY, False), "마저": (_ANY, False),
    # quoting: "…문제라고 말했다", "…것이라는 예측"
    "이라": (_CONSONANT, True), "이라고": (_CONSONANT, False), "이라는": (_CONSONANT, False),
    "이라며": (_CONSONANT, False), "이란": (_CONSONANT, False), "이며": (_CONSONANT, False),
    "라고": (_VOWEL, False), "라는": (_VOWEL, False), "라며": (_VOWEL, False), "란": (_VOWEL, False),
    # after a finished sentence: "…올려 왔다고 말했다", "…했다며", "…했다면서"
    "고": (_SENTENCE, False), "며": (_SENTENCE, False), "면서": (_SENTENCE, False),
}
_UNSAFE: dict[str, tuple[str, bool]] = {
    "도": (_ANY, False), "만": (_ANY, True), "나": (_VOWEL, False), "이나": (_CONSONANT, False),
    "랑": (_VOWEL, False), "이랑": (_CONSONANT, False), "라": (_VOWEL, False),
    "라도": (_VOWEL, False), "이라도": (_CONSONANT, False), "하고": (_ANY, True),
}
# What may follow an ending that takes one (에서는, 과의, 까지도, 만을).
_FOLLOWERS = ("는", "은", "도", "만", "의", "을", "를", "이", "가")

# Pronouns and bound nouns that take a one-syllable particle: 것이, 그는, 수가, 측은.
_SHORT_STEMS = frozenset("것 그 이 나 너 수 측 등 때 곳 점 중 데 바 쪽 편 뒤 앞 위 안 밖 말 돈 일 값 땅 집 날 해 책 힘 몸".split())
# A cut never falls right after these: a predicate's stem or tense, so what follows is a verb ending.
_PREDICATE_STEMS = frozenset("있 없 았 었 였 겠 했 됐 왔 갔 졌 렸 웠 같 많 않 하 되".split())
# Sentence endings that 고/며/면서 may follow.
_SENTENCE_ENDS = frozenset("다 라 자 냐 까".split())
# Nouns that look like a stem plus a particle; a word starting with one is never cut inside it.
_NOUNS = tuple(sorted(set("""
나라 인프라 카메라 오페라 미라 이하 지하 영하 이의 편의 저가 고유가 저유가 국제유가 애호가
고양이 원숭이 호랑이 어린이 젊은이 늙은이 지렁이
정상회의 국무회의 각료회의 비상회의 화상회의 전원회의 민주주의 자본주의 사회주의 공산주의 보호주의
자유주의 신자유주의 민족주의 제국주의 권위주의 실용주의 다자주의 일방주의 고립주의 국가주의 개인주의
이기주의 현실주의 인종주의 패권주의
오타와 오키나와 가나가와 이시카와 카이로 몬테네그로
""".split()), key=len, reverse=True))

ENDINGS: tuple[str, ...] = tuple(sorted(set(_SAFE) | set(_UNSAFE), key=len, reverse=True))
def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _final(ch: str) -> int:
    """The final consonant (받침) of a Hangul syllable: 0 for none, 8 for ㄹ."""
    return (ord(ch) - 0xAC00) % 28


def _follows(condition: str, before: str) -> bool:
    """Whether an ending with this condition may follow the character `before`."""
    if condition == _SENTENCE:
        return before in _SENTENCE_ENDS
    if not _is_hangul(before):
        return before.isalnum()  # AWS는, MS가, 2017에: a Latin name or a number takes any particle
    if condition == _VOWEL:
        return _final(before) == 0
    if condition == _CONSONANT:
        return _final(before) != 0
    if condition == _RO:
        return _final(before) in (0, 8)
    return True


def _chains(tail: str, before: str, safe: bool) -> str | None:
    """The first ending of `tail` when all of it is one ending or an ending plus a follower, else None."""
    table = _SAFE if safe else {**_SAFE, **_UNSAFE}
    entry = table.get(tail)
    if entry is not None and _follows(entry[0], before):
        return tail
    for first in ENDINGS:
        entry = table.get(first)
        rest = tail[len(first):]
        if entry is None or not tail.startswith(first) or not rest or not entry[1] or not _follows(entry[0], before):
            continue
        # After a case particle even 도 and 만 are surely particles (서울에서도, 그에게만).
        second = _SAFE.get(rest) or _UNSAFE.get(rest)
        if rest in _FOLLOWERS and second is not None and _follows(second[0], first[-1]):
            return first
    return None


def _inside_noun(word: str, cut: int) -> bool:
    return any(word.startswith(noun) and cut < len(noun) for noun in _NOUNS)


@lru_cache(maxsize=4096)
def ending_cuts(word: str, safe: bool = True) -> tuple[int, ...]:
    """Where in `word` (a run of letters) a stem may end with only an ending after it, shortest stem first.

    safe=True: only the endings a whole word sheds (see the module's notes);
    safe=False: every known ending, for a selection that stopped right before one.
    """
    cuts = []
    for cut in range(1, len(word)):
        stem, tail = word[:cut], word[cut:]
        if not _is_hangul(tail[0]) or stem[-1] in _PREDICATE_STEMS or _inside_noun(word, cut):
            continue
        first = _chains(tail, stem[-1], safe)
        if first is None:
            continue
        # A one-syllable stem keeps a one-syllable particle only if it is a pronoun or bound noun.
        if cut == 1 and _is_hangul(stem) and len(first) == 1 and stem not in _SHORT_STEMS:
            continue
        cuts.append(cut)
    return tuple(cuts)


def stem_length(word: str) -> int:
    """How much of a whole word is its stem: the word without its particle or quotative ending."""
    cuts = ending_cuts(word)
    return cuts[0] if cuts else len(word)


def _noun_endings() -> tuple[str, ...]:
    table = {**_SAFE, **_UNSAFE}
    endings = {ending for ending, (after, _) in table.items() if after != _SENTENCE}
    endings |= {first + then for first, (after, more) in table.items() if more and after != _SENTENCE
                for then in _FOLLOWERS if _follows(table[then][0], first[-1])}
    return tuple(sorted(endings, key=len, reverse=True))


# What a noun or a name may carry (not 고/며/면서, which follow a sentence), alone or
# with a follower (에서는, 와의), longest first.
NOUN_ENDINGS = _noun_endings()
