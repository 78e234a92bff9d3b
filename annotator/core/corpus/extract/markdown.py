"""Markdown files: stored as the readable text a reader of the article sees, markup removed.

Why strip rather than keep the file as written: analysts code the article's
words. With the markup kept, `**`, `#` and `[text](https://…)` would sit inside
annotated spans, in every export and in phrase search ("the minister said"
would not match "the **minister** said"), and link addresses would read as part
of the prose. So emphasis and link markup go, link and image text stay, line
breaks within a paragraph stay as written, list items keep a bullet or their
number, and code keeps its content. markdown-it-py parses CommonMark exactly,
where hand-written patterns break on nesting and escapes.

YAML front matter (`---` … `---`, as static-site generators and web scrapers
write it) is metadata, not article text: its title becomes the title and its
other simple fields become metadata.
"""

from __future__ import annotations

import re

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, decode_bytes
from annotator.core.corpus.extract.text import Extracted, clean_text, one_line
from annotator.core.corpus.metadata import iso_date

NO_TEXT = "this Markdown file has no text once its markup is removed; check that it is the right file"

# Front-matter field names people and tools use, mapped to the standard keys.
_FIELDS = {
    "author": "author", "authors": "author", "byline": "author",
    "date": "date", "published": "date", "pubdate": "date", "published_at": "date",
    "url": "url", "link": "url", "canonical": "url", "source_url": "url",
    "outlet": "outlet", "sitename": "outlet", "site_name": "outlet", "site": "outlet", "publisher": "outlet",
    "language": "language", "lang": "language",
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"([A-Za-z_][\w -]*?)\s*:\s*(.*)")
_FRONT_MATTER_LINES = 200
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_INDENT = "  "
# markdown-it drops every block nested deeper than its maxNesting (20 by default), and the lines
# after it with them. Its block parser recurses, so the limit is raised only as far as stays well
# inside Python's recursion limit; a file nested deeper is kept as written instead.
_MAX_NESTING = 200
TOO_DEEP_NOTE = (f"nested more than {_MAX_NESTING} levels deep to read as Markdown: kept as written, "
                 "markup included; check it")


def read_markdown(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    source, encoding = decode_bytes(data, max_bytes=max_bytes)
    fields, body = _front_matter(source)
    notes: tuple[str, ...] = ()
    try:
        text, heading = _plain_text(body)
    except _TooDeep:
        text, heading, notes = body, "", (TOO_DEEP_NOTE,)
    if not text.strip():
        raise ImportRefused(NO_TEXT)
    title = fields.pop("title", "") or heading
    metadata: dict[str, str] = {}
    for name, value in fields.items():
        key = _FIELDS.get(name.casefold(), name)
        if value and key not in metadata:
            metadata[key] = iso_date(value) if key == "date" else value
    return Extracted(clean_text(text), title or None, metadata, encoding, notes)


class _TooDeep(Exception):
    """The file nests blocks deeper than the parser reads; the text past that depth would be lost."""


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` fields of a leading YAML block, and the text after it.

    Only flat fields are read (lists and nested maps are skipped): a YAML
    parser would be a dependency for a handful of strings. A block with a line
    that is not a field is no front matter but a rule and text, and stays text.
    """
    match = _FRONT_MATTER.match(source)
    if match is None or match.group(1).count("\n") > _FRONT_MATTER_LINES:
        return {}, source
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if not line.strip() or line.startswith((" ", "\t", "- ", "#")):
            continue  # blank, a list item or nested value, a comment
        found = _FIELD.fullmatch(line.strip())
        if found is None:
            return {}, source
        name, value = found.group(1).strip(), _unquote(found.group(2).strip())
        if value and not value.startswith(("[", "{", "|", ">")):
            fields.setdefault("title" if name.casefold() == "title" else name, one_line(value))
    if not fields:
        return {}, source
    return fields, source[match.end():]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _plain_text(source: str) -> tuple[str, str]:
    """The text without markup, and the first heading (a level-1 heading if there is one)."""
    from markdown_it import MarkdownIt  # loaded only when a Markdown file comes

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.options["maxNesting"] = _MAX_NESTING
    tokens = parser.parse(source)
    if any(token.level >= _MAX_NESTING - 1 for token in tokens):
        raise _TooDeep
    out: list[str] = []
    lists: list[str] = []  # open lists, innermost last: "ul" or "ol"
    prefix = ""
    row: list[str] | None = None
    # Items of a tight list and rows of a table go one per line; everything else is a paragraph.
    last_tight = False
    headings: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            last_tight = last_tight and bool(lists)  # a new top-level list starts a paragraph
            lists.append("ol" if kind == "ordered_list_open" else "ul")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            prefix = f"{token.info}{token.markup} " if lists and lists[-1] == "ol" else "• "
        elif kind == "table_open":
            last_tight = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            last_tight = _add(out, "\t".join(row), tight=True, after_tight=last_tight)
            row = None
        elif kind == "inline" and row is not None:
            row.append(" ".join(_inline(token).split()))
        elif kind == "inline":
            text = _inline(token)
            opener = tokens[index - 1] if index else None
            if opener is not None and opener.type == "heading_open":
                headings.append((int(opener.tag[1:]), one_line(text)))
            if lists:
                indent = _INDENT * (len(lists) - 1)
                text = indent + (prefix or _INDENT) + text.replace("\n", "\n" + indent + _INDENT)
                prefix = ""
            tight = bool(opener is not None and opener.hidden)
            last_tight = _add(out, text, tight=tight, after_tight=last_tight)
        elif kind in ("fence", "code_block"):
            last_tight = _add(out, token.content.rstrip("\n"), tight=False, after_tight=last_tight)
        elif kind == "html_block":
            last_tight = _add(out, _TAGS.sub("", token.content).strip(), tight=False, after_tight=last_tight)
    level_one = [text for level, text in headings if level == 1 and text]
    any_level = [text for _level, text in headings if text]
    return "".join(out), (level_one or any_level or [""])[0]


def _add(out: list[str], text: str, *, tight: bool, after_tight: bool) -> bool:
    """Append a block; return whether the next block may follow it on the next line."""
    if not text.strip():
        return after_tight
    if out:
        out.append("\n" if tight and after_tight else "\n\n")
    out.append(text)
    return tight


def _inline(token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline(child))  # its alt text
    return "".join(parts)
