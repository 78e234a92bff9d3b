"""Titles: the headline a user would name the article by, not the page chrome above it."""

from __future__ import annotations

from importlib import resources

import pytest

from annotator.core.titles import detect_title
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
