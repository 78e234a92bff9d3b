"""Saved web pages: the article's text and its byline, without the site around it.

Telling an article from navigation, cookie banners, comment threads and
footers is a moving target that trafilatura's maintainers track across real
news sites; it also reads the byline, date, site name and canonical URL from
the many places sites put them. Around it: a page drawn by scripts shows little
but states its body as schema.org data (structured.py), link lists and notices
sit inside article markup (boilerplate.py), and titles carry the site's name.
The page is parsed as data only: no script runs, and nothing it links to
(styles, images, trackers) is fetched.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, decode_bytes
from annotator.core.corpus.extract.boilerplate import is_boilerplate_line, remove_boilerplate
from annotator.core.corpus.extract.structured import article_body, json_ld, page_urls, site_names
from annotator.core.corpus.extract.text import Extracted, clean_text, one_line, stub_note, word_count
from annotator.core.corpus.metadata import iso_date
from annotator.core.corpus.titles import strip_site_name

# A body the page shows counts as found when it has at least this share of the
# words the page states in structured data; less, and the stated body is used.
_STATED_SHARE = 0.6
# Fewer words than this in a page's body deserve a look (a paywall, a page drawn by scripts),
# when the page is large: real news pages run to hundreds of kilobytes of markup.
STUB_WORDS = 80
_LARGE_PAGE_CHARS = 30_000
NO_ARTICLE = "no article text found in this web page; copy the article into a text file and import that"
# libxml2 reads 256 levels of nested elements, or 2,048 when asked for huge trees, and
# silently drops everything after the level it cannot enter; pages past even that are refused.
MAX_DEPTH = 2048
TOO_DEEP = (f"this web page nests its markup more than {MAX_DEPTH:,} levels deep, so the text after that "
            "point cannot be read; open it in a browser, copy the article into a text file and import that")

# Byte-order marks (UTF-8, UTF-16, UTF-32) outrank any declaration; decode_bytes reads them.
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Browsers read a charset declared in the first kilobytes; so do we.
_PRESCAN = 4096
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Labels that browsers read as a wider encoding than their name says (the WHATWG
# Encoding Standard); pages declaring them really contain the wider one.
_WEB_LABELS = {
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
    "shift_jis": "cp932", "x-sjis": "cp932", "tis-620": "cp874", "iso-8859-9": "cp1254",
}
_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)""", re.I)
_CONTENT_LANGUAGE = re.compile(
    r"""<meta\b(?=[^>]*http-equiv\s*=\s*["']?content-language)[^>]*?\bcontent\s*=\s*["']?\s*([A-Za-z-]{2,20})""",
    re.I,
)


def read_html(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    markup, encoding = _decode(data, max_bytes)
    from trafilatura import bare_extraction  # loads lxml, justext and date tables: only when a page comes

    tree = _parse(markup)
    things = json_ld(tree)
    stated = article_body(tree, things)
    remove_boilerplate(tree)
    # With a page and no URL trafilatura never goes to the network; the URL
    # below is what the page says about itself, read from its markup.
    found = bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, include_formatting=False,
    )
    extracted = [one_line(line) for line in (found.text or "").split("\n")] if found is not None else []
    paragraphs = _body(extracted, stated)
    if not paragraphs:
        raise ImportRefused(NO_ARTICLE)
    names = site_names(tree, things) + [one_line(found.sitename)] + _hosts(found.url, tree)
    title = strip_site_name(one_line(found.title), names) or None
    # Headlines are coded too (framing, attribution), so the text begins with
    # the headline even when the page kept it outside the article body.
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    metadata = {
        "outlet": one_line(found.sitename),
        "author": one_line(found.author),
        "date": iso_date(one_line(found.date)),
        "url": one_line(found.url),
        "language": _language(markup[:_PRESCAN * 4]),
    }
    body_words = word_count(" ".join(paragraphs[1:] if title else paragraphs))
    notes = (stub_note(body_words),) if _looks_like_stub(body_words, len(markup), stated) else ()
    return Extracted(clean_text("\n\n".join(paragraphs)), title,
                     {key: value for key, value in metadata.items() if value}, encoding, notes)


def _parse(markup: str):
    """The page as an element tree, whole: a page nested past what the parser reads is refused, not cut short."""
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, fromstring
    from trafilatura.utils import repair_faulty_html

    # trafilatura's own parser settings, but for the depth: its load_html stops at 256 levels and keeps
    # the page up to there, which imported a stub and called it a success. One parser per page: the
    # read-ahead thread may parse while another page is parsed elsewhere.
    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                        remove_pis=True, huge_tree=True)
    try:
        tree = fromstring(repair_faulty_html(markup, markup[:50].lower()).encode("utf-8", "surrogatepass"),
                          parser=parser)
    except ParserError:  # an empty document
        raise ImportRefused(NO_ARTICLE) from None
    # The error log keeps about a hundred entries; the depth error ends the parse, so it is the last.
    last = parser.error_log.last_error
    if last is not None and "Excessive depth" in last.message:
        raise ImportRefused(TOO_DEEP)
    if tree is None:
        raise ImportRefused(NO_ARTICLE)
    return tree


def _body(extracted: list[str], stated: list[str]) -> list[str]:
    """The article's paragraphs: what the page shows, or what it states in structured data when that is far more."""
    extracted = [p for p in extracted if p and not is_boilerplate_line(p)]
    stated = [p for p in stated if not is_boilerplate_line(p)]
    shown, told = word_count(" ".join(extracted)), word_count(" ".join(stated))
    # The same words in one run (trafilatura's own rescue joins them) read better with the stated breaks.
    if told and (shown < _STATED_SHARE * told or _squashed(extracted) == _squashed(stated)):
        return stated
    return extracted


def _squashed(paragraphs: list[str]) -> str:
    return "".join("".join(paragraphs).split())


def _looks_like_stub(body_words: int, page_chars: int, stated: list[str]) -> bool:
    """Very little text from a page that is large or states a much longer body than the text found."""
    return body_words < STUB_WORDS and (page_chars >= _LARGE_PAGE_CHARS or word_count(" ".join(stated)) > body_words)


def _hosts(url: str | None, tree) -> list[str]:
    hosts = []
    for address in [url or "", *page_urls(tree)]:
        try:
            host = urlsplit(address.strip()).hostname
        except ValueError:
            continue
        if host:
            hosts.append(host)
    return hosts


def _decode(data: bytes, max_bytes: int) -> tuple[str, str]:
    """The page as text: a byte-order mark wins, then the page's own charset, then a guess."""
    declared = None if data.startswith(_BOMS) else _declared_codec(data[:_PRESCAN])
    if declared is not None:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the declaration is wrong, as on many re-saved pages; guess instead
    return decode_bytes(data, max_bytes=max_bytes)


def _declared_codec(head: bytes) -> str | None:
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label.startswith("utf-16"):
        return "utf-8"  # a page without a UTF-16 mark is ASCII-compatible whatever it claims
    try:
        return codecs.lookup(_WEB_LABELS.get(label, label)).name
    except LookupError:
        return None


def _language(head: str) -> str:
    match = _LANG.search(head) or _CONTENT_LANGUAGE.search(head)
    return match.group(1).replace("_", "-") if match else ""
