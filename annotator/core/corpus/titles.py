"""Find an article's headline in text saved from a web page.

Copying a page or saving it as text keeps the site's chrome above the
headline: navigation links, a breadcrumb trail, share and print buttons. Each
kind has a recognisable shape, so the rules below test shapes (a line made only
of short menu phrases, short sections joined by arrows, a line of button labels)
with small vocabularies, rather than listing known sites' lines.
"""

from __future__ import annotations

import re

UNTITLED = "Untitled"
# A line longer than this is body text, not a headline.
LONG_LINE = 200
TITLE_CHARS = 120
# The headline sits near the top; never scan a whole book for it.
_HEAD_CHARS = 64 * 1024
_HEAD_LINES = 60

# Site navigation phrases (casefolded regex pieces). A line is navigation only
# when it is nothing but these, so "Close to home" stays a headline.
_NAV_PHRASES = (
    r"skip to (?:main )?content", r"skip (?:to )?navigation", r"toggle navigation",
    r"sign (?:in|up|out)", r"log ?(?:in|out)", r"register", r"my account",
    r"search", r"(?:main )?menu", r"home(?:page)?", r"subscribe", r"newsletters?",
    r"advertisement", r"back to top",
    r"검색", r"(?:전체 ?)?메뉴", r"홈", r"로그인", r"로그아웃", r"회원가입", r"구독(?:하기)?",
    r"(?:본문 ?)?바로가기", r"닫기", r"광고",
)
_NAV_ITEM = "(?:" + "|".join(_NAV_PHRASES) + ")"
# Menus list items with spaces, bars or dots between them.
_NAV_LINE = re.compile(rf"{_NAV_ITEM}(?:(?:\s*[|·•/]\s*|\s+){_NAV_ITEM})*")
_NAV_ITEM_RE = re.compile(_NAV_ITEM)
_MENU_SEPARATOR = re.compile(r"\s*[|·•]\s*")
_MENU_ITEM_WORDS = 2

# Breadcrumb separators. "|" and "/" are left out: headlines use them too
# ("Brexit | Opinion", "24/7").
_CRUMB_SEPARATOR = re.compile(r"\s*[>›»→]\s*")
_CRUMB_WORDS = 4
_CRUMB_CHARS = 30
# Section names carry no clause punctuation or quotes; headlines often do.
_CLAUSE_PUNCT = re.compile(r"[,;!?\"“”‘’]")

# Share, print and text-size buttons. English labels match whole words;
# Korean labels are stems, because Korean appends endings and particles
# (인쇄 → 인쇄하기, 메일 → 메일로), so a Hangul word matches by its start.
_TOOLBAR_WORDS = frozenset(
    "share shares sharing tweet retweet email e-mail mail print printer-friendly facebook twitter x "
    "linkedin whatsapp pinterest reddit telegram messenger flipboard copy link url comment comments "
    "save bookmark font size text larger smaller bigger increase decrease reset a+ a- this article "
    "on via more".split()
)
_TOOLBAR_STEMS = tuple(
    "공유 트위터 페이스북 카카오 네이버 밴드 블로그 인쇄 메일 이메일 보내기 글자 크게 작게 확대 축소 "
    "스크랩 댓글 보기 퍼가기 복사 링크 필자 목록 구글".split()
)
# "Mostly" button labels: one ordinary word in a toolbar line is tolerated
# (필자의 다른기사 보기: "the author's other articles"), a headline mentioning
# Facebook and Twitter is not a toolbar.
_TOOLBAR_SHARE = 0.75
_TOOLBAR_MAX_WORDS = 20
_TOKEN = re.compile(r"[^\s|·•/]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# A sentence ends at . ! ? (or their CJK forms) before a space. Short first
# "sentences" are abbreviations (Mr., U.S.), so the end is looked for later.
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)")
_MIN_SENTENCE = 40


def detect_title(text: str) -> str:
    """The headline of an article: the first line that is not page chrome."""
    for raw in text[:_HEAD_CHARS].splitlines()[:_HEAD_LINES]:
        line = " ".join(raw.split())
        if not line or _is_chrome(line):
            continue
        return _from_paragraph(line) if len(line) > LONG_LINE else line
    return UNTITLED


def _is_chrome(line: str) -> bool:
    return (
        not any(ch.isalpha() for ch in line)  # rules, bullets, dates: no words at all
        or _is_navigation(line)
        or _is_breadcrumb(line)
        or _is_toolbar(line)
    )


def _is_navigation(line: str) -> bool:
    line = line.casefold().strip(" .:|")
    if _NAV_LINE.fullmatch(line):
        return True
    # A menu bar also names sections ("Home | News | Sport | Sign in"): short
    # items between bars or dots, at least one of them a navigation phrase.
    items = [i.strip() for i in _MENU_SEPARATOR.split(line)]
    return (
        len(items) >= 3
        and all(0 < len(i.split()) <= _MENU_ITEM_WORDS for i in items)
        and any(_NAV_ITEM_RE.fullmatch(i) for i in items)
    )


def _is_breadcrumb(line: str) -> bool:
    if not _CRUMB_SEPARATOR.search(line):
        return False
    parts = [p for p in _CRUMB_SEPARATOR.split(line) if p]
    return bool(parts) and all(_is_section_name(p) for p in parts)


def _is_section_name(part: str) -> bool:
    # Section names are capitalised ("World", "Tech"); a lower-case start means
    # the arrow is part of a sentence ("Profits > expectations"). Hangul has
    # no case and passes.
    first_letter = next((ch for ch in part if ch.isalpha()), "")
    return (
        len(part.split()) <= _CRUMB_WORDS
        and len(part) <= _CRUMB_CHARS
        and not _CLAUSE_PUNCT.search(part)
        and not first_letter.islower()
    )


def _is_toolbar(line: str) -> bool:
    if _CLAUSE_PUNCT.search(line):
        return False
    tokens = _TOKEN.findall(line.casefold())
    if not tokens or len(tokens) > _TOOLBAR_MAX_WORDS:
        return False
    hits = sum(_is_button_word(t) for t in tokens)
    return hits / len(tokens) >= _TOOLBAR_SHARE


def _is_button_word(token: str) -> bool:
    if _HANGUL.search(token):
        return token.startswith(_TOOLBAR_STEMS)
    return token in _TOOLBAR_WORDS or token.strip(".:()[]") in _TOOLBAR_WORDS


def _from_paragraph(line: str) -> str:
    """A title for text whose first line is a whole paragraph: its first sentence, kept short."""
    end = _SENTENCE_END.search(line, _MIN_SENTENCE)
    sentence = line[: end.end()] if end else line
    if len(sentence) <= TITLE_CHARS:
        return sentence
    cut = sentence[:TITLE_CHARS]
    space = cut.rfind(" ")
    # Text without spaces (Chinese, Japanese) is cut at the limit instead.
    if space > TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


# Separators sites put between a headline and their name ("Headline - IGN",
# "The Beachbody Blog | Headline"). A bare hyphen or colon is left out: both
# occur inside headlines ("Covid-19", "Exclusive: ...").
_SITE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")
# Words a site adds to its name in titles ("The Beachbody Blog" for Beachbody).
_SITE_EXTRA_WORDS = frozenset("the blog news online magazine mag website site official".split())
_SECOND_LEVEL = frozenset("co com org net ac gov edu or ne go".split())
_HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.I)


def strip_site_name(title: str, site_names: list[str]) -> str:
    """The headline without the site's name before or after it, when that name is the site's own.

    site_names are what the page calls its site (og:site_name, the publisher)
    and its host names ("9to5mac.com"); a part of the title that does not match
    one of them stays, so "Brexit | Opinion" keeps its section.
    """
    keys = {key for name in site_names if (key := _site_key(name))}
    if not keys:
        return title
    for separator in _SITE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and _site_key(tail) in keys:
            return strip_site_name(head.strip(), site_names)
        head, found, tail = title.partition(separator)
        if found and tail.strip() and _site_key(head) in keys:
            return strip_site_name(tail.strip(), site_names)
    return title


def _site_key(name: str) -> str:
    """A site's name reduced to compare: "The Beachbody Blog", "beachbody.com" and "Beachbody" agree."""
    name = name.strip().casefold()
    if _HOST.fullmatch(name):
        labels = [label for label in name.split(".") if label not in ("www", "m", "amp")][:-1]
        while len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
            labels.pop()
        name = labels[-1] if labels else ""
    words = re.findall(r"\w+", name)
    while words and words[0] in _SITE_EXTRA_WORDS:
        words.pop(0)
    while words and words[-1] in _SITE_EXTRA_WORDS:
        words.pop()
    return "".join(words)
