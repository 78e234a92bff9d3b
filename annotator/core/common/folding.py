"""The one form names are compared in, wherever an analyst's typing meets a stored name."""

from __future__ import annotations

import unicodedata


def fold_piece(text: str) -> str:
    # NFKC again after casefold: casefolding can leave a sequence NFKC would compose.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def fold(text: str | None) -> str:
    """The form names are compared in: "ＡＷＳ", "aws" and " AWS " all fold to "aws".

    The one rule for matching what an analyst typed against names, attribute names and
    values everywhere (registry, table filters, search, stance targets, export columns).
    """
    if not text:
        return ""
    if text.isascii():  # NFKC leaves ASCII alone and lower() is its casefold: the filters' common case, faster
        return " ".join(text.lower().split())
    return " ".join(fold_piece(text).split())
