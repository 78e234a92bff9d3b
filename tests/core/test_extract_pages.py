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

from annotator.core.extract import extract

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


def test_related_link_lists_leave_the_body() -> None:
    beachbody = page("beachbody-stretches").text
    assert "Related" not in beachbody and "Running Tips for Beginners" not in beachbody
    assert "Recommended" not in beachbody and "Foam Roller" not in beachbody
    mac = page("9to5mac-ios-beta").text
    assert "Related" not in mac and "Here’s everything new" not in mac
    assert "More from 9to5Mac" not in mac and "new emoji" not in mac
    assert mac.rstrip().endswith("Let us know in the comments.")
