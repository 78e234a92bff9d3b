"""Pages whose article is stated as schema.org data (JSON-LD, microdata) rather than shown, in every shape sites use."""

from __future__ import annotations

import json

import pytest

from annotator.core.corpus.extract import extract
from annotator.core.corpus.extract.structured import body_paragraphs

HEADLINE = "Council approves new tram line"
BODY = [
    "The city council voted 31 to 12 on Monday to build a tram line linking the airport with the central station, "
    "ending a decade of argument over the route.",
    "Construction is due to start next spring and take four years. The council put the cost at 1.2 billion euros, "
    "two thirds of it paid by the national government.",
    "Shopkeepers on Harbour Street, where the line will run, said they feared losing customers during the works "
    "and asked for compensation.",
    "“We have waited long enough,” the mayor said after the vote, promising that buses would replace the line’s "
    "route while the street is closed.",
]
CAPTION = ("A tram on a test run near the central station last year, when the council first debated the route. "
           "Photo: City Archive")


def page(*, head: str = "", body: str = "") -> bytes:
    """A page drawn by scripts: the visible article is only the headline and a caption."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{HEADLINE} | City Gazette</title><meta property="og:site_name" content="City Gazette">{head}</head>
<body><header><nav><a href="/">Home</a> <a href="/city">City</a> <a href="/sport">Sport</a></nav></header>
<main><h1>{HEADLINE}</h1><div class="caption"><span>{CAPTION} The tram will run every six minutes at peak
hours, the city's transport office said in its plan.</span></div><div id="article-body"></div>{body}</main>
<footer><p>© City Gazette</p></footer></body></html>""".encode()


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


WHOLE = "\n\n".join(BODY)
EXPECTED = "\n\n".join([HEADLINE, *BODY]) + "\n"


def test_the_caption_alone_is_what_the_page_shows() -> None:
    assert "Council voted" not in extract("p.html", page()).text


@pytest.mark.parametrize("head", [
    ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE, "articleBody": WHOLE}),
    ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "City Gazette"},
        {"@type": "ReportageNewsArticle", "articleBody": WHOLE}]}),
    ld([{"@type": "Organization", "name": "City Gazette"}, {"@type": ["Article"], "articleBody": WHOLE}]),
    ld({"@type": "BlogPosting", "articleBody": WHOLE}),
    ld({"@type": "https://schema.org/NewsArticle", "articleBody": WHOLE}),
    # a site's broken JSON-LD is skipped and the good one is read
    '<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "x",}</script>'
    + ld({"@type": "NewsArticle", "articleBody": WHOLE}),
    f'<script type="application/ld+json">//<![CDATA[\n{json.dumps({"@type": "NewsArticle", "articleBody": WHOLE})}'
    "\n//]]></script>",
], ids=["NewsArticle", "graph", "list", "BlogPosting", "type-url", "after-malformed", "cdata"])
def test_json_ld_article_body_replaces_a_stub_with_its_paragraphs(head: str) -> None:
    found = extract("p.html", page(head=head))
    assert found.text == EXPECTED
    assert found.title == HEADLINE


def test_malformed_json_ld_alone_leaves_what_the_page_shows() -> None:
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "The council</script>'
    found = extract("p.html", page(head=broken))
    assert CAPTION in found.text and "The council" not in found.text


def test_article_body_given_as_html_keeps_its_paragraphs_without_markup() -> None:
    markup = "".join(f"<p>{p.replace('’', '&rsquo;')}</p>" for p in BODY)
    assert extract("p.html", page(head=ld({"@type": "NewsArticle", "articleBody": markup}))).text == EXPECTED


def test_article_body_with_paragraphs_run_together_is_split_at_their_joins() -> None:
    run = "".join(BODY)  # "...over the route.Construction is due..."
    assert extract("p.html", page(head=ld({"@type": "NewsArticle", "articleBody": run}))).text == EXPECTED


@pytest.mark.parametrize(("body", "paragraphs"), [
    ("The U.S. economy grew.Analysts said so.", ["The U.S. economy grew.", "Analysts said so."]),
    ('He said."We will go."Then he left.', ['He said.', '"We will go."', "Then he left."]),
    ("Apps use Node.JS and ASP.NET today.", ["Apps use Node.JS and ASP.NET today."]),
    ("One line\nand the next", ["One line", "and the next"]),
    ("Tom &amp; Jerry", ["Tom & Jerry"]),
])
def test_body_paragraphs(body: str, paragraphs: list[str]) -> None:
    assert body_paragraphs(body) == paragraphs


def test_microdata_article_body_replaces_a_stub() -> None:
    hidden = ('<div itemscope itemtype="https://schema.org/NewsArticle"><div itemprop="articleBody" hidden>'
              + "".join(f"<p>{p}</p>" for p in BODY) + "</div></div>")
    assert extract("p.html", page(body=hidden)).text == EXPECTED
    meta = f'<meta itemprop="articleBody" content="{WHOLE}">'
    assert extract("p.html", page(head=meta)).text == EXPECTED


def test_a_teaser_in_json_ld_does_not_replace_the_article_the_page_shows() -> None:
    shown = "".join(f"<p>{p}</p>" for p in BODY)
    markup = f"""<html><head><title>{HEADLINE}</title>{ld({"@type": "NewsArticle", "articleBody": BODY[0]})}</head>
<body><article><h1>{HEADLINE}</h1>{shown}</article></body></html>"""
    assert extract("p.html", markup.encode()).text == EXPECTED
