"""Titles: the headline a user would name the article by, not the page chrome above it."""

from __future__ import annotations

from importlib import resources

import pytest

from annotator.core.corpus.titles import detect_title, strip_site_name
from tests.expected import SEED_TITLES


def seed_texts() -> list[str]:
    entries = sorted(
        (e for e in resources.files("annotator.seeds").iterdir() if e.name.endswith(".txt")), key=lambda e: e.name
    )
    return [e.read_text("utf-8") for e in entries]


@pytest.mark.parametrize(("index", "title"), list(enumerate(SEED_TITLES)))
def test_seed_titles(index: int, title: str) -> None:
    assert detect_title(seed_texts()[index]) == title


def test_plain_first_line() -> None:
    assert detect_title("Fed raises rates\n\nThe Federal Reserve said...") == "Fed raises rates"


def test_leading_blank_lines_and_whitespace_are_collapsed() -> None:
    assert detect_title("\n \n\t  Fed   raises\u00a0 rates  \nbody") == "Fed raises rates"


@pytest.mark.parametrize(
    "chrome",
    [
        "Skip to main content",
        "Menu",
        "Sign in | Subscribe",
        "Home | News | Sport | Sign in",
        "검색 메뉴",
        "본문 바로가기",
        "News › World › Asia",
        "Home > Business > Retail",
        "정치 > 국회",
        "Share Tweet Email Print",
        "Share on Facebook",
        "페이스북 트위터 카카오스토리 공유하기 인쇄",
        "A+ A- Print",
        "▲",
        "2017/06/22",
    ],
)
def test_page_chrome_above_the_headline_is_skipped(chrome: str) -> None:
    assert detect_title(f"{chrome}\nCouncil approves new budget\nBody text.") == "Council approves new budget"


@pytest.mark.parametrize(
    "headline",
    [
        "Close to home: the housing crisis in numbers",
        "Facebook and Twitter share prices fall",
        "Profits > expectations at Acme",
        "Brexit deal approved | World news | The Guardian",
        "Search for survivors continues after quake",
        "페이스북, 개인정보 유출 논란",
    ],
)
def test_headlines_that_share_words_with_chrome_are_kept(headline: str) -> None:
    assert detect_title(f"{headline}\nBody text.") == headline


def test_long_first_paragraph_gives_its_first_sentence() -> None:
    first = "Mr. Smith told lawmakers on Monday that the budget was far too large for the city."
    text = first + " " + "More words follow in this very long opening paragraph. " * 5
    assert len(text) > 200
    assert detect_title(text) == first


def test_long_first_sentence_is_cut_at_a_word_boundary() -> None:
    text = "word " * 100
    title = detect_title(text)
    assert title.endswith("…")
    assert len(title) <= 121
    assert title[:-1].split() == ["word"] * len(title[:-1].split())


def test_untitled_when_there_is_nothing_but_chrome() -> None:
    assert detect_title("") == "Untitled"
    assert detect_title("\n\nMenu\nSearch\n\n") == "Untitled"


def test_title_is_one_line() -> None:
    assert "\n" not in detect_title("Line one\nLine two")


@pytest.mark.parametrize(("title", "names", "headline"), [
    ("Lanternfall Review - IGN", ["IGN"], "Lanternfall Review"),
    ("5 Stretches to Do After a Long Run | The Beachbody Blog", ["Beachbody"], "5 Stretches to Do After a Long Run"),
    ("Apple releases iOS 17.4 - 9to5Mac", ["9to5mac.com"], "Apple releases iOS 17.4"),
    ("Port deal approved – BBC News", ["www.bbc.co.uk"], "Port deal approved"),
    ("South China Morning Post — Dock strike ends", ["South China Morning Post"], "Dock strike ends"),
    ("Dock strike ends :: SCMP · South China Morning Post", ["South China Morning Post", "scmp.com"],
     "Dock strike ends"),
    ("Warm nights drive bleaching | Phys.org", ["phys.org"], "Warm nights drive bleaching"),
    # a part that is not the site's name stays
    ("Brexit | Opinion", ["The Guardian"], "Brexit | Opinion"),
    ("Brexit | Opinion | The Guardian", ["The Guardian", "theguardian.com"], "Brexit | Opinion"),
    ("Covid-19 cases fall - Health", ["Reuters"], "Covid-19 cases fall - Health"),
    ("Reuters poll - inflation to ease", ["Reuters"], "Reuters poll - inflation to ease"),
    ("IGN", ["IGN"], "IGN"),  # a title that is only the name keeps it
    ("Lanternfall Review - IGN", [], "Lanternfall Review - IGN"),
    ("Designing for dark mode - Sign", ["ign.com"], "Designing for dark mode - Sign"),
])
def test_the_site_name_leaves_a_page_title_only_when_it_is_the_sites(title: str, names: list[str],
                                                                     headline: str) -> None:
    assert strip_site_name(title, names) == headline
