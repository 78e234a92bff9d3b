"""Saved web pages: the article's text and its byline, without the site around it.

Telling an article from navigation, cookie banners, comment threads and
footers is a moving target that trafilatura's maintainers track across real
news sites; it also reads the byline, date, site name and canonical URL from
the many places sites put them. The page is parsed as data only: no script
runs, and nothing it links to (styles, images, trackers) is fetched.
"""

from __future__ import annotations

import codecs
import re

from ..decoding import MAX_TEXT_BYTES, decode_bytes
from ..errors import ImportRefused
from ..metadata import iso_date
from . import Extracted, clean_text, one_line

NO_ARTICLE = "no article text found in this web page; copy the article into a text file and import that"

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

    # With a string and no URL trafilatura never goes to the network; the URL
    # below is what the page says about itself, read from its markup.
    found = bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, include_formatting=False,
    )
    paragraphs = [one_line(line) for line in (found.text or "").split("\n")] if found is not None else []
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ImportRefused(NO_ARTICLE)
    title = one_line(found.title) or None
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
    return Extracted(clean_text("\n\n".join(paragraphs)), title,
                     {key: value for key, value in metadata.items() if value}, encoding)


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
