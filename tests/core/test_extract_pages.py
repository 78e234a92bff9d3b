"""Saved news pages modelled on real sites: the article text a reader would call the article, and nothing else.

Each page in tests/fixtures/pages/ has the article text written out by hand
beside it (NAME.txt). The score is token-level F1, as public extraction
benchmarks of news pages score extractors; the best of those reach about 0.97.
Every page must stay at or above MIN_F1, so a regression on any one fails.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.corpus.extract import extract

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
MIN_F1 = 0.95
_TOKEN = re.compile(r"\w+(?:[’'.,-]\w+)*", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def f1(got: str, expected: str) -> float:
    found, wanted = tokens(got), tokens(expected)
    common = sum((found & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def page(name: str):
    path = PAGES / f"{name}.html"
    return extract(path, path.read_bytes())


def expected(name: str) -> str:
    return (PAGES / f"{name}.txt").read_text("utf-8")


NAMES = sorted(path.stem for path in PAGES.glob("*.html"))


def test_the_measure_itself() -> None:
    assert f1("a b c", "a b c") == 1.0
    assert f1("", "a b") == 0.0
    assert f1("a b c d", "a b") == pytest.approx(2 / 3)  # half the words are extra
    assert f1("Hong Kong’s port", "hong kong’s port") == 1.0


def test_every_page_has_its_expected_text() -> None:
    assert len(NAMES) >= 6
    assert all((PAGES / f"{name}.txt").exists() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_article_text_matches_what_a_reader_would_copy(name: str) -> None:
    got = page(name).text
    score = f1(got, expected(name))
    assert score >= MIN_F1, f"{name}: F1 {score:.3f}\n--- got ---\n{got}"


@pytest.mark.parametrize("name", NAMES)
def test_the_text_begins_with_the_headline_once_without_the_site_name(name: str) -> None:
    found = page(name)
    headline = expected(name).split("\n", 1)[0]
    assert found.title == headline
    assert found.text.split("\n\n")[0] == headline
    assert found.text.count(headline + "\n") == 1


def test_a_page_rendered_by_scripts_takes_its_body_from_json_ld_with_its_paragraphs() -> None:
    # The visible page holds only the headline and a photo caption; the article is in JSON-LD.
    found = page("scmp-dock-strike")
    assert found.text == expected("scmp-dock-strike")
    assert "Photo: Jelly Tse" not in found.text
    assert found.notes == ()


def test_site_names_leave_the_titles() -> None:
    assert page("ign-review").title == "Lanternfall Review"  # og:site_name IGN
    assert page("beachbody-stretches").title == "5 Stretches to Do After a Long Run"
    # no site name stated: the host 9to5mac.com names it
    assert page("9to5mac-ios-beta").title == "Apple releases third iOS 17.4 beta with changes to Podcasts transcripts"


def test_explore_further_and_its_links_leave_the_body() -> None:
    text = page("physorg-coral").text
    assert "Explore further" not in text
    assert "Marine heatwave pushes reef" not in text
    assert text.rstrip().endswith("Provided by University of Queensland")


def test_trust_principles_line_leaves_the_body_and_the_sign_off_stays() -> None:
    text = page("reuters-grain").text
    assert "Trust Principles" not in text and "Our Standards" not in text
    # text for screen readers only, inside a link in the article
    assert "Russia quit a United Nations-brokered deal that had allowed" in text
    assert "opens new tab" not in text
    assert text.rstrip().endswith("Reporting by Pavel Polityuk; Editing by Mark Potter")


def test_a_rights_notice_leaves_the_body_and_a_sentence_about_rights_stays() -> None:
    text = page("yonhap-port-ko").text
    assert "무단 전재" not in text and "저작권자" not in text
    assert text.rstrip().endswith("jisoo@yna.co.kr")
    said = "The court said the copyright holder had all rights reserved under the 1998 contract, not the label."
    assert said in extract("bank.html", article_page(f"<p>{said}</p>")).text


def test_related_link_lists_leave_the_body() -> None:
    beachbody = page("beachbody-stretches").text
    assert "Related" not in beachbody and "Running Tips for Beginners" not in beachbody
    assert "Recommended" not in beachbody and "Foam Roller" not in beachbody
    mac = page("9to5mac-ios-beta").text
    assert "Related" not in mac and "Here’s everything new" not in mac
    assert "More from 9to5Mac" not in mac and "new emoji" not in mac
    assert mac.rstrip().endswith("Let us know in the comments.")


ARTICLE = [
    "The regional bank cut its lending rate by a quarter point on Thursday, its first cut in three years, "
    "saying inflation had fallen faster than it expected.",
    "Economists had been split on the decision. Read more about how the bank sets rates in our explainer, "
    "which we update after each meeting.",
]


def article_page(extra: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    return (f"<html><head><title>Bank cuts rates</title></head><body><article><h1>Bank cuts rates</h1>"
            f"{paragraphs}{extra}</article></body></html>").encode()


@pytest.mark.parametrize("extra", [
    "<h2>Related</h2><p>The decision was backed by seven of the nine members of the board, the minutes said.</p>",
    "<h3>More from the governor</h3><p>The governor said further cuts would depend on wages in the spring.</p>",
    "<p>Explore further the reasons in the governor's speech, which ran to forty pages and cited wages.</p>",
    '<p>Related: the <a href="/wages">wage figures</a> published on Monday showed pay growth slowing sharply.</p>',
    '<p><b>Read more:</b> the board also said it would stop buying bonds by June, a step markets expected.</p>',
    "<p>Our standards for reporting on central banks are set out by our editors every year.</p>",
])
def test_article_sentences_that_look_like_boilerplate_stay(extra: str) -> None:
    text = extract("bank.html", article_page(extra)).text
    sentence = extra.split("</h2>")[-1].split("</h3>")[-1]
    words = re.sub(r"<[^>]+>", "", sentence).split()
    assert " ".join(words) in " ".join(text.split())


@pytest.mark.parametrize("extra", [
    '<div class="related"><p><strong>Explore further</strong></p><a href="/a">Rates on hold elsewhere in Asia</a></div>',
    '<p>Read more: <a href="/b">How the bank sets its rates</a></p>',
    '<h2>More on this story</h2><ul><li><a href="/c">Mortgage holders cheer</a></li>'
    '<li><a href="/d">Savers lose out</a></li></ul>',
    '<div><span>You may also like</span></div><div><a href="/e">Markets rally on rate cut</a></div>',
    '<div class="box"><strong>관련기사</strong><ul><li><a href="/f">한국은행 기준금리 동결</a></li></ul></div>',
])
def test_link_lists_after_a_label_leave_the_body(extra: str) -> None:
    text = extract("bank.html", article_page(extra)).text
    assert text == "\n\n".join(["Bank cuts rates", *ARTICLE]) + "\n"


def test_a_large_page_with_a_stub_body_says_so_and_a_short_small_page_does_not() -> None:
    from tests.support import paywalled_page

    found = extract("paywalled.html", paywalled_page())
    words = len(found.text.split("\n\n", 1)[1].split())
    assert words < 80
    assert found.notes == (f"body looks like a stub ({words} words): check it",)
    brief = article_page("")
    assert extract("bank.html", brief).notes == ()
    # A body stated in JSON-LD that is longer than the short one the page shows is as telling as a large page.
    told = " ".join(ARTICLE) + " The bank meets again in six weeks, and markets expect a pause."
    teased = brief.replace(b"</head>", f'<script type="application/ld+json">{{"@type": "NewsArticle", '
                                        f'"articleBody": "{told}"}}</script></head>'.encode())
    assert extract("bank.html", teased).notes[0].startswith("body looks like a stub")


@pytest.mark.parametrize(("line", "notice"), [
    ("<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>", True),
    ("[ⓒ 매일경제 & mk.co.kr, 무단 전재, 재배포 및 AI학습 이용 금지]", True),
    ("© 2024 Reuters. All rights reserved.", True),
    ("Copyright 2024 The Associated Press. All rights reserved.", True),
    ("Our Standards: The Thomson Reuters Trust Principles.", True),
    ("The court said the copyright holder had all rights reserved under the contract.", False),
    ("저작권 침해 여부를 두고 무단 전재가 문제라고 법원은 판단했다.", False),
    ("저작권자(c) 측은 무단 전재를 금지했다고 밝혔다.", False),
    ("Our standards for reporting are set by our editors and our trust principles.", False),
])
def test_rights_and_standards_lines(line: str, notice: bool) -> None:
    from annotator.core.corpus.extract.boilerplate import is_boilerplate_line

    assert is_boilerplate_line(line) is notice
