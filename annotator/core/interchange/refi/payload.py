"""The parseable form of what REFI-QDA has no place for, and the XML-safety rules around it.

An Annotator object's Description ends with one line `annotator:{json}`: the JSON
object holds what the standard cannot (a label's key and attributes, an annotation's
roles, cue and attribute values, ids for an exact round trip). Everything above that
line is free text for people and other tools. The line is always the last one, so a
description that merely mentions "annotator:" earlier is never mistaken for it.

XML 1.0 cannot carry some characters at all (most C0 controls, U+FFFE, U+FFFF, lone
surrogates). A visible value holding one is written with those characters removed,
and the exact value goes into the payload, which the importer prefers.
"""

from __future__ import annotations

import json
import re
from typing import Any

PREFIX = "annotator:"
FORMAT = "annotator-refi"
VERSION = 1

# Everything XML 1.0's Char production excludes.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> bool:
    return _NOT_XML.search(text) is None


def visible(text: str) -> str:
    """The text with the characters XML cannot carry removed."""
    return _NOT_XML.sub("", text)


def keep_exact(payload: dict[str, Any], key: str, value: str | None) -> str | None:
    """The value to show in the XML; when that would lose characters, the exact value joins the payload."""
    if value is None:
        return None
    if not xml_safe(value):
        payload[key] = value
        return visible(value)
    return value


def encode(data: dict[str, Any]) -> str:
    """The payload line: readable JSON, with whatever XML cannot carry written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # JSON leaves line and paragraph separators raw; escaping them keeps the payload one line everywhere.
    return PREFIX + re.sub("[^\t\u0020-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]",
                           lambda m: f"\\u{ord(m.group()):04x}", text)


def with_payload(text: str, data: dict[str, Any]) -> str:
    """A Description: the human text, then the payload as its last line."""
    return f"{text}\n{encode(data)}" if text else encode(data)


def split(description: str | None) -> tuple[str, dict[str, Any] | None]:
    """(human text, payload or None) of a Description; a last line that is not a payload stays text."""
    if not description:
        return "", None
    head, _, last = description.rpartition("\n")
    if not last.startswith(PREFIX):
        return description, None
    try:
        data = json.loads(last[len(PREFIX):])
    except ValueError:
        return description, None
    if not isinstance(data, dict):
        return description, None
    return head, data
