"""Write annotator/core/store/pg/unicode61.py: how SQLite's unicode61 tokenizer treats every character.

A shared project's server folds and splits text for search as the local engine does
(unicode61 with remove_diacritics 2), so a query finds the same documents on both
engines. PostgreSQL has no such tokenizer; this tool asks SQLite about every code point
once (about a minute and a half) and writes the answer as tables the server's SQL
functions are made from. Rerun it after upgrading SQLite if a test says they disagree:

    /work/main/.venv/bin/python tools/gen_unicode61.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core.search.query import TOKENIZER  # noqa: E402

OUT = ROOT / "annotator" / "core" / "store" / "pg" / "unicode61.py"


# search_schema.py has the same helper, but imports the very file this writes: the tool stands alone.
def _ranges(codes: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return [(a, b) for a, b in out]


def main() -> None:
    chars = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 50_000):
        TOKENIZER._learn(set(chars[i:i + 50_000]))
    folds = TOKENIZER._folds
    separators = [c for c in range(1, 0x80) if not chr(c).isalnum()]
    separators += [c for c, v in folds.items() if v == " " and not 0xD800 <= c <= 0xDFFF]
    dropped = [c for c, v in folds.items() if v == "\x00"]
    changed = sorted((c, v) for c, v in folds.items() if v not in (" ", "\x00") and v != chr(c))
    lines = [
        '"""How SQLite\'s unicode61 tokenizer (remove_diacritics 2) treats each character; made by',
        'tools/gen_unicode61.py from SQLite itself, do not edit by hand.',
        "",
        "SEPARATORS and DROPPED are (first, last) code point ranges; FOLD_FROM[i] folds to FOLD_TO[i]",
        "(ASCII capitals are folded by lower() and are not listed). Every other character is a",
        'token character that folds to itself."""',
        "",
        f"SEPARATORS = {_ranges(separators)!r}",
        f"DROPPED = {_ranges(dropped)!r}",
        f"FOLD_FROM = {''.join(chr(c) for c, _v in changed)!a}",
        f"FOLD_TO = {''.join(v for _c, v in changed)!a}",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT}: {len(separators)} separators, {len(dropped)} dropped, {len(changed)} folded")


if __name__ == "__main__":
    main()
