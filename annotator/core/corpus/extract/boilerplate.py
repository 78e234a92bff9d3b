"""Pieces of a news page that sit inside the article's markup but are not the article.

Sites put lists of links to other stories inside the article body: a label
("Explore further", "Related:", "Read more:", "More from 9to5Mac",
"Recommended") followed by headlines that are links. They are removed from the
page before the text is extracted, and only in that shape: a label with no
links after it, or a link inside a sentence, stays. So do lines written for
screen readers only (", opens new tab") and an agency's line pointing to its
standards ("Our Standards: The Thomson Reuters Trust Principles."), and a
rights notice left on a line of its own inside the article.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from annotator.core.corpus.extract.text import one_line

_LABEL = re.compile(
    r"(?:explore further|related(?: (?:articles?|stories|story|coverage|content|posts?|reading|links?|news))?"
    r"|read (?:more|also|next)|see also|also read|further reading|more (?:from|on|about) .{1,40}"
    r"|more stories|recommended(?: (?:for you|reading|stories|articles))?|you (?:may|might) also like"
    r"|(?:most )?popular stories|top stories"
    r"|관련\s?(?:기사|뉴스)|추천\s?기사|많이\s?본\s?(?:기사|뉴스)|함께\s?(?:보면\s?좋은|볼만한)\s?(?:기사|뉴스))\s*[:.…»›>]*",
    re.I,
)
# An agency's pointer to its editorial standards, with or without a screen reader's "opens new tab".
_STANDARDS = re.compile(r"(?:our )?(?:editorial )?standards\s*:?\s*the .{0,40}trust principles\.?", re.I)
# A publisher's rights notice on a line of its own: it opens with a copyright mark and
# reserves rights ("<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "© 2024 Reuters. All
# rights reserved."). A sentence about copyright does not open with the mark, and
# a Korean one ends as a statement does (…했다.).
_RIGHTS_MARK = re.compile(r"[\s<\[(【〈《]*(?:©|ⓒ|\(c\)|copyright|저작권자)", re.I)
_KOREAN_STATEMENT_END = re.compile(r"다[.!?]?[\s\"”’)]*$")
_RIGHTS_RESERVED = re.compile(r"all rights reserved|무단\s?(?:전재|복제)|재배포\s?금지", re.I)
_RIGHTS_WORDS = 25
_HIDDEN_CLASSES = frozenset(
    "sr-only visually-hidden visuallyhidden screen-reader-text screen-reader-only screenreader-only "
    "a11y-hidden assistive-text".split()
)
_LINK_SHARE = 0.8
_LINK_TITLE_WORDS = 25
_BLOCKS = ("p", "div", "h2", "h3", "h4", "h5", "h6", "section", "aside", "li", "strong", "b", "span", "header")


def remove_boilerplate(tree: HtmlElement) -> None:
    """Remove link lists, screen-reader-only text and standards lines from the page, in place."""
    body = tree.find(".//body")
    if body is None:
        return
    for element in list(body.iter()):
        if isinstance(element.tag, str) and _HIDDEN_CLASSES & set((element.get("class") or "").split()) \
                and element.getparent() is not None:
            _drop(element)
    for element in list(body.iter(*_BLOCKS)):
        if element.getroottree().getroot() is not tree:
            continue  # inside something already removed
        text = one_line(element.text_content())
        if not text:
            continue
        if _STANDARDS.fullmatch(text):
            _drop(_outermost_with_text(element, text))
        elif _LABEL.fullmatch(text):
            _drop_link_list_after(_outermost_with_text(element, text))
        elif element.tag in ("p", "div", "li") and _is_labelled_link(element, text):
            _drop(element)


def is_boilerplate_line(paragraph: str) -> bool:
    """A line of extracted text that is never the article's, wherever it came from."""
    return bool(_STANDARDS.fullmatch(paragraph)) or (
        len(paragraph.split()) <= _RIGHTS_WORDS
        and bool(_RIGHTS_MARK.match(paragraph)) and bool(_RIGHTS_RESERVED.search(paragraph))
        and not _KOREAN_STATEMENT_END.search(paragraph)
    )


def _outermost_with_text(element: HtmlElement, text: str) -> HtmlElement:
    """The largest element around this one holding the same text: the label's whole block."""
    parent = element.getparent()
    while parent is not None and parent.tag not in ("body", "article", "main") and \
            one_line(parent.text_content()) == text:
        element, parent = parent, parent.getparent()
    return element


def _drop_link_list_after(label: HtmlElement) -> None:
    """Remove the label and the lists of links right after it; leave both when prose follows instead."""
    links: list[HtmlElement] = []
    if not one_line(label.tail):  # "Related: the minister also said..." is prose
        for sibling in label.itersiblings():
            if isinstance(sibling.tag, str) and one_line(sibling.text_content()):
                if not _is_link_list(sibling):
                    break
                links.append(sibling)
            if one_line(sibling.tail):
                break
    if links:
        for element in (label, *links):
            _drop(element)


def _is_link_list(element: HtmlElement) -> bool:
    """Headlines that are links: nearly all the text is in links, each link a headline's length."""
    text = one_line(element.text_content())
    anchors = [element] if element.tag == "a" else list(element.iter("a"))
    linked = sum(len(one_line(a.text_content())) for a in anchors)
    return (
        bool(text) and linked >= _LINK_SHARE * len(text)
        and all(len(one_line(a.text_content()).split()) <= _LINK_TITLE_WORDS for a in anchors)
    )


def _is_labelled_link(element: HtmlElement, text: str) -> bool:
    """"Related: <a>Other story</a>" in a paragraph of its own."""
    match = _LABEL.match(text)
    if match is None or match.end() == len(text) or not text[: match.end()].rstrip().endswith((":", "»", "›", ">")):
        return False
    rest = text[match.end():].strip()
    linked = one_line(" ".join(a.text_content() for a in element.iter("a")))
    return bool(linked) and len(linked) >= _LINK_SHARE * len(rest) and len(rest.split()) <= _LINK_TITLE_WORDS


def _drop(element: HtmlElement) -> None:
    # drop_tree keeps the text that follows the element (its tail) in the page.
    element.drop_tree()
