"""What a web page says about itself for search engines: the article body and the site's name.

Many news sites draw the article with scripts, so a saved page shows little
more than the headline and a photo caption; the whole text still travels in
the page as schema.org data, as JSON-LD (<script type="application/ld+json">,
often an @graph of several things) or as microdata (itemprop="articleBody").
Malformed JSON is common on real pages and is skipped, never an error.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from annotator.core.corpus.extract.text import one_line

# schema.org types that hold an article's text in articleBody: Article and its
# kinds (NewsArticle, ReportageNewsArticle, AnalysisNewsArticle...) and postings.
_ARTICLE_TYPE = re.compile(r"(?:Article|Posting)$")
_MAX_DEPTH = 8
# A body given as HTML: block tags end paragraphs, every other tag goes.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|h[1-6]|li|ul|ol|blockquote|br|hr|section|figure|figcaption|table|tr)\b[^>]*>",
                        re.I)
_ANY_TAG = re.compile(r"<[^<>]+>")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*(?:p|br|div|h[1-6]|a|em|strong|b|i|span)\b[^<>]*>", re.I)
# Paragraphs joined without a break ("...on Tuesday.The union said") when a
# site built the string from its paragraphs' text: a sentence end stuck to a
# capitalised word is a paragraph boundary. The capital must start a word
# ("The", "I’m", "A "), so names like "Node.JS" stay whole.
_JOINED = re.compile(r"""(?<=[a-z0-9%)][.!?])(?=["“‘]?[A-Z][a-z’' ])|(?<=[.!?]["”’])(?=[“‘]?[A-Z][a-z’' ])""")
_MICRODATA_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")


def json_ld(tree: HtmlElement) -> list[dict]:
    """Every schema.org thing in the page's JSON-LD, lists and @graph arrays opened up."""
    things: list[dict] = []
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        source = script.text.strip()
        # Some CMSs wrap the JSON in an HTML comment or CDATA section for old browsers.
        source = re.sub(r"^(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)$", "", source).strip()
        try:
            data = json.loads(source, strict=False)
        except ValueError:
            continue
        things.extend(_things(data, 0))
    return things


def _things(node: object, depth: int) -> Iterator[dict]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _things(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
            if isinstance(node.get(key), (list, dict)):
                yield from _things(node[key], depth + 1)


def types_of(thing: dict) -> list[str]:
    kind = thing.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    # "https://schema.org/NewsArticle" and "schema:NewsArticle" name the same type.
    return [re.split(r"[/:#]", k)[-1] for k in kinds if isinstance(k, str)]


def article_body(tree: HtmlElement, things: list[dict]) -> list[str]:
    """The longest article body the page states in structured data, as paragraphs; [] when none."""
    candidates = [
        body_paragraphs(thing["articleBody"]) for thing in things
        if isinstance(thing.get("articleBody"), str) and any(_ARTICLE_TYPE.search(t) for t in types_of(thing))
    ]
    candidates.extend(_microdata_bodies(tree))
    return max(candidates, key=lambda paragraphs: sum(map(len, paragraphs)), default=[])


def body_paragraphs(body: str) -> list[str]:
    """An articleBody string as paragraphs: by its markup or line breaks, else by sentences run together."""
    if _LOOKS_LIKE_HTML.search(body):
        body = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n\n", body))
    body = html.unescape(body)
    paragraphs = [one_line(part) for part in re.split(r"\n\s*", body)]
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) == 1:
        paragraphs = [one_line(part) for part in _split_joined(paragraphs[0]) if part.strip()]
    return paragraphs


def _split_joined(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _JOINED.finditer(text):
        cut = match.start()
        # A straight quote at a join either closes this paragraph (go."Then) or opens
        # the next (said."We). Both sides of it are candidates; the right one leaves
        # an even count of quotes in the paragraph before it.
        quoted = '"' in (text[cut - 1], text[cut:cut + 1])
        if cut == start or (quoted and text.count('"', start, cut) % 2 == 1):
            continue
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _microdata_bodies(tree: HtmlElement) -> Iterator[list[str]]:
    for element in tree.xpath('.//*[@itemprop][contains(concat(" ", normalize-space(@itemprop), " "), " articleBody ")]'):
        if element.tag == "meta":
            yield body_paragraphs(element.get("content") or "")
            continue
        blocks = [one_line(block.text_content()) for block in element.iter(*_MICRODATA_BLOCKS)
                  if not any(ancestor.tag in _MICRODATA_BLOCKS for ancestor in block.iterancestors())]
        blocks = [b for b in blocks if b]
        yield blocks or body_paragraphs(element.text_content())


def site_names(tree: HtmlElement, things: list[dict]) -> list[str]:
    """The names the page gives its site: og:site_name, application-name, the publisher's and the WebSite's."""
    names = [
        meta.get("content") or "" for meta in tree.iterfind(".//meta")
        if (meta.get("property") or meta.get("name") or "").strip().lower()
        in ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
    ]
    for thing in things:
        publisher = thing.get("publisher")
        for owner in publisher if isinstance(publisher, list) else [publisher]:
            if isinstance(owner, dict) and isinstance(owner.get("name"), str):
                names.append(owner["name"])
        if set(types_of(thing)) & {"WebSite", "Organization", "NewsMediaOrganization"} and isinstance(
                thing.get("name"), str):
            names.append(thing["name"])
    return [one_line(name).lstrip("@") for name in names if one_line(name)]


def page_urls(tree: HtmlElement) -> list[str]:
    """Where the page says it lives: its canonical link and og:url."""
    urls = [link.get("href") or "" for link in tree.iterfind(".//link")
            if "canonical" in (link.get("rel") or "").lower().split()]
    urls += [meta.get("content") or "" for meta in tree.iterfind(".//meta")
             if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:url"]
    return [url.strip() for url in urls if url.strip()]
